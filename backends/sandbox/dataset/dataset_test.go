package dataset

import (
	"reflect"
	"testing"
)

func TestNewIsDeterministicAndSized(t *testing.T) {
	a, b := New(1), New(1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different worlds")
	}
	if reflect.DeepEqual(a.Companies[:10], New(2).Companies[:10]) {
		t.Fatal("different seeds gave the same companies")
	}
	var cirrusPeople, conePeople, cdPeople, support, shared int
	for _, p := range a.People {
		if p.CirrusID != 0 {
			cirrusPeople++
		}
		if p.ConeID != "" {
			conePeople++
		}
		if p.CirrusID != 0 && p.ConeID != "" {
			shared++
		}
		if p.ClientDataID != 0 {
			cdPeople++
		}
		if p.SupportID != "" {
			support++
		}
	}
	t.Logf("people=%d cirrus=%d cone=%d shared=%d clientdata=%d support=%d", len(a.People), cirrusPeople, conePeople, shared, cdPeople, support)
	if cirrusPeople < 6000 || conePeople < 3000 || cdPeople < 3000 || shared == 0 || support == 0 {
		t.Fatalf("world too small: cirrus=%d cone=%d clientdata=%d shared=%d support=%d", cirrusPeople, conePeople, cdPeople, shared, support)
	}
	if got := len(a.CompaniesInCirrus()); got != CirrusCompanies {
		t.Fatalf("cirrus companies = %d", got)
	}
	if got := len(a.CompaniesInCone()); got != 1000 {
		t.Fatalf("cone companies = %d", got)
	}
	seen := map[string]bool{}
	for i := range 5000 {
		u := a.UUID("cone-contact", i)
		if seen[u] || len(u) != 36 || u[14] != '7' {
			t.Fatalf("bad or duplicate uuid %q", u)
		}
		seen[u] = true
	}
}
