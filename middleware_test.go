package main

import (
	"net/http"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.5": true, "GZIP": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "deflate": false, "": false, "identity": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"none", nil, ""},
		{"one line", []string{"pt-BR, de;q=0.8"}, "pt-BR, de;q=0.8"},
		{"field lines are one list", []string{"de;q=0.1", "sv;q=0.9"}, "sv;q=0.9, de;q=0.1"},
		{"nothing valid", []string{"*", "x\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptLanguage(http.Header{"Accept-Language": tt.lines}); got != tt.want {
				t.Fatalf("acceptLanguage(%q) = %q, want %q", tt.lines, got, tt.want)
			}
		})
	}
}
