package model

import (
	"errors"
	"strings"
	"testing"
)

func TestParseGlobalIDChecksTheSourceID(t *testing.T) {
	const uuid = "0190a000-0000-7000-8000-00000000002a"
	tests := []struct {
		typename string
		source   Source
		sourceID string
		ok       bool
	}{
		{"Account", SourceCirrus, "42", true},
		{"Account", SourceCirrus, "abc", false},
		{"Account", SourceCirrus, "0", false},
		{"Account", SourceCirrus, "-5", false},
		{"Account", SourceCirrus, "+5", false},
		{"Account", SourceCirrus, "007", false},
		{"Account", SourceCirrus, "1.5", false},
		{"Account", SourceCirrus, "99999999999999999999", false},
		{"Account", SourceCirrus, "..", false},
		{"Account", SourceCone, uuid, true},
		{"Account", SourceCone, strings.ToUpper(uuid), true},
		{"Account", SourceCone, "42", false},
		{"Account", SourceCone, "..", false},
		{"Account", SourceCone, uuid[:35] + "/", false},
		{"Account", SourceCone, "{" + uuid[1:35] + "}", false},
		{"Contact", SourceClientData, "2147483647", true},
		{"Contact", SourceClientData, "2147483648", false},
		{"Contact", SourceClientData, "12/3", false},
		{"ChangeRequest", SourceClientData, "12/3", true},
		{"ChangeRequest", SourceClientData, "12", false},
		{"ChangeRequest", SourceClientData, "12/x", false},
		{"ChangeRequest", SourceClientData, "12/3/4", false},
		{"ChangeRequest", SourceClientData, "../3", false},
		{"SupportCustomer", SourceSupport, "cus_500001", true},
		{"SupportCustomer", SourceSupport, "12345", true},
		{"SupportCustomer", SourceSupport, "a.b-c~d", true},
		{"SupportCustomer", SourceSupport, "..", false},
		{"SupportCustomer", SourceSupport, ".", false},
		{"SupportCustomer", SourceSupport, "a/b", false},
		{"SupportCustomer", SourceSupport, "a?b", false},
		{"SupportCustomer", SourceSupport, "a%2e", false},
		{"SupportCustomer", SourceSupport, "a b", false},
		{"SupportCustomer", SourceSupport, "a\nb", false},
		{"SupportCustomer", SourceSupport, strings.Repeat("a", MaxSupportIDLength), true},
		{"SupportCustomer", SourceSupport, strings.Repeat("a", MaxSupportIDLength+1), false},
	}
	for _, tt := range tests {
		t.Run(string(tt.source)+"/"+tt.sourceID, func(t *testing.T) {
			p, err := ParseGlobalID(GlobalID(tt.typename, tt.source, tt.sourceID))
			if tt.ok {
				if err != nil || p.SourceID != tt.sourceID || p.Type != tt.typename || p.Source != tt.source {
					t.Fatalf("ParseGlobalID = %+v, %v; want the id back", p, err)
				}
				return
			}
			if !errors.Is(err, ErrBadID) {
				t.Fatalf("ParseGlobalID = %+v, %v; want ErrBadID", p, err)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		if _, err := ParseGlobalID(strings.Repeat("A", maxGlobalID+1)); !errors.Is(err, ErrBadID) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestParseCirrusID(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"2147483648", 2147483648, true},
		{"", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{" 1", 0, false},
		{"1e3", 0, false},
		{"0x1", 0, false},
		{"123456789012345678", 123456789012345678, true},
		{"1234567890123456789", 0, false},
	}
	for _, tt := range tests {
		if got, ok := ParseCirrusID(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseCirrusID(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
