package resolvers

import (
	"testing"

	"crmgraph/graph/model"
)

func TestSystems(t *testing.T) {
	s, err := ParseSystems("SUPPORT=kustomer, CIRRUS=crm-main", "CONE")
	if err != nil {
		t.Fatal(err)
	}
	got := s.resolve([]*model.ExternalID{
		{System: "KUSTOMER", ExternalID: "cus_1"}, // case-insensitive
		{System: "crm-main", ExternalID: "7"},
		{System: "Default", ExternalID: "imp-9"}, // client-data's import service: no source
		{ExternalID: "0190-uuid"},                // a Cirrus externalkey
	})
	want := []struct {
		system string
		source model.Source
	}{{"KUSTOMER", model.SourceSupport}, {"crm-main", model.SourceCirrus}, {"Default", ""}, {"CONE", model.SourceCone}}
	for i, w := range want {
		var src model.Source
		if got[i].Source != nil {
			src = *got[i].Source
		}
		if got[i].System != w.system || src != w.source {
			t.Errorf("%d: %s/%v, want %s/%s", i, got[i].System, src, w.system, w.source)
		}
	}
	for _, bad := range []string{"NOPE=x", "CIRRUS", "CIRRUS="} {
		if _, err := ParseSystems(bad, ""); err == nil {
			t.Errorf("ParseSystems(%q) accepted", bad)
		}
	}
	if _, err := ParseSystems("", "ELSEWHERE"); err == nil {
		t.Error("a CIRRUS_EXTERNALKEY that is no source was accepted")
	}
}
