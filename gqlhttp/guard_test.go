package gqlhttp

import (
	"strings"
	"testing"
)

func TestJSONDepth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`{}`, 1},
		{`{"a": [1, {"b": []}]}`, 4},
		{`{"a": "[[[[{{{{"}`, 1},
		{`{"a": "\"[[[", "b": [[]]}`, 3},
		{`{"a": "\\", "b": [[]]}`, 3},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), 100},
		{`"x"`, 0},
	} {
		if got := jsonDepth([]byte(tc.in)); got != tc.want {
			t.Errorf("jsonDepth(%.40s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestCheckParams(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
		msg  string
	}{
		{`{"query": "{ a }"}`, true, ""},
		{`{"query": "{ a }", "variables": {"x": [1, 2]}, "extensions": {}, "operationName": null}`, true, ""},
		{`{"documentId": "abc", "variables": null}`, true, ""},
		{`{"query": 1}`, false, `request field "query" must be a string`},
		{`{"variables": []}`, false, `request field "variables" must be an object`},
		{`{"query": "x"`, false, "truncated"},
		{`{"query": "x"}}`, false, "more than one JSON value"},
		{` `, false, "empty"},
		{`[]`, false, "must be a JSON object"},
		{`null`, false, "must be a JSON object"},
	} {
		code, msg := checkParams([]byte(tc.body), DefaultMaxJSONDepth)
		if (code == "") != tc.ok || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: code %q msg %q", tc.body, code, msg)
		}
	}
}
