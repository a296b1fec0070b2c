package gqlhttp

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestEncodeResponseAsJSONMarshal(t *testing.T) {
	yes := true
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"a":1,"b":[{"c":"d"},null]}`)},
		{},
		{Data: json.RawMessage(`null`), Errors: gqlerror.List{{Message: "boom", Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)},
			Extensions: map[string]any{"code": "BACKEND_UNAVAILABLE"}}}},
		{Data: json.RawMessage(`{"x":"y"}`), Label: "l", Path: ast.Path{ast.PathName("accounts"), ast.PathIndex(0)}, HasNext: &yes,
			Extensions: map[string]any{"trace": map[string]any{"backendCalls": []any{map[string]any{"path": "/accounts"}}}}},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeResponse(resp)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("encodeResponse = %s\njson.Marshal  = %s", got, want)
		}
	}
	// Data is copied, not re-escaped: <, > and & stay as gqlgen wrote them, the same JSON.
	resp := &graphql.Response{Data: json.RawMessage(`{"name":"A & B <c>"}`)}
	got, _ := encodeResponse(resp)
	want, _ := json.Marshal(resp)
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	_ = json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) || string(got) != `{"data":{"name":"A & B <c>"}}` {
		t.Errorf("encodeResponse = %s, json.Marshal = %s", got, want)
	}
}
