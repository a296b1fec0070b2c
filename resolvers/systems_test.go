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

func TestClientDataConfiguration(t *testing.T) {
	codes, err := ParseChangeRequestCodes("10=PENDING, 20=APPROVED")
	if err != nil || codes[10] != model.ChangeRequestStatusCodePending || codes[20] != model.ChangeRequestStatusCodeApproved || len(codes) != 2 {
		t.Fatalf("codes %v %v", codes, err)
	}
	if _, err := ParseChangeRequestCodes("1=DONE"); err == nil {
		t.Error("unknown code accepted")
	}
	paths, err := ParseClientDataPaths("email=channels.mail")
	if err != nil || paths.Email != "channels.mail" || paths.FirstName != DefaultClientDataPaths.FirstName {
		t.Fatalf("paths %+v %v", paths, err)
	}
	if _, err := ParseClientDataPaths("shoeSize=x.y"); err == nil {
		t.Error("unknown field accepted")
	}
	c := cdContactFromDetails(7, map[string]any{"channels": map[string]any{"mail": "a@b.example"}}, *paths)
	if c.Email == nil || *c.Email != "a@b.example" {
		t.Fatalf("email from the configured path: %v", c.Email)
	}
}
