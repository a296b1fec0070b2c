package main

import "testing"

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

func TestPrimaryLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"de-CH, de;q=0.9": "de-CH", "fr": "fr", "*": "", "": "", "DE": "de",
		"de;q=0.1, sv;q=0.9": "sv", "*, fr;q=0.5": "fr", "en;q=0, de;q=0.2": "de",
		"x\n, de": "de", "de;q=abc, fr;q=0.3": "fr", "\x00": "", "de;q=2": "",
	} {
		if got := primaryLanguage(h); got != want {
			t.Errorf("primaryLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}
