package clientdata

import (
	"fmt"
	"strings"
	"testing"
)

func TestExternalConnections(t *testing.T) {
	s := shared()
	var person int
	for i, p := range world().People {
		if p.ClientDataID != 0 && p.CirrusID != 0 && p.SupportID != "" {
			person = i
			break
		}
	}
	p := world().People[person]
	t.Run("list", func(t *testing.T) {
		r := call(t, s, "GET", path("/v1.0/contacts/%d/external-connections", p.ClientDataID), AppToken, nil)
		expectStatus(t, r, 200)
		var out struct{ Connections []wireConnection }
		r.decode(t, &out)
		want := []wireConnection{{fmt.Sprintf("DFS-%06d", p.ClientDataID), "Default"}, {fmt.Sprint(p.CirrusID), "CIRRUS"}, {p.SupportID, "SUPPORT"}}
		if fmt.Sprint(out.Connections) != fmt.Sprint(want) {
			t.Fatalf("connections %+v, want %+v", out.Connections, want)
		}
	})
	for _, tc := range []struct{ system, id string }{
		{"CIRRUS", fmt.Sprint(p.CirrusID)}, {"SUPPORT", p.SupportID}, {"support", p.SupportID}, {"Default", fmt.Sprintf("DFS-%06d", p.ClientDataID)},
	} {
		t.Run("reverse "+tc.system, func(t *testing.T) {
			r := call(t, s, "GET", routeContactByExternalID+"?system="+tc.system+"&externalId="+tc.id, AppToken, nil)
			expectStatus(t, r, 200)
			var got struct {
				ID  int32
				UID string `json:"uid"`
			}
			r.decode(t, &got)
			if got.ID != p.ClientDataID || got.UID != p.ClientDataUUID {
				t.Fatalf("got %+v, want %d %s", got, p.ClientDataID, p.ClientDataUUID)
			}
		})
	}
	t.Run("wrong system", func(t *testing.T) {
		expectStatus(t, call(t, s, "GET", routeContactByExternalID+"?system=CIRRUS&externalId="+p.SupportID, AppToken, nil), 404)
	})
	t.Run("missing parameter", func(t *testing.T) {
		expectSubCode(t, call(t, s, "GET", routeContactByExternalID+"?system=CIRRUS", AppToken, nil), 400, subCodeNA)
	})
	c := pick(t, s, func(*contact) bool { return true })
	add := path("/v1.0/contacts/%d/external-connections", c.id)
	t.Run("add", func(t *testing.T) {
		ext := fmt.Sprintf("sso-%d", c.id)
		expectStatus(t, call(t, s, "POST", add, AppToken, map[string]string{"system": "SSO", "externalId": ext}), 204)
		r := call(t, s, "GET", routeContactByExternalID+"?system=SSO&externalId="+ext, AppToken, nil)
		expectStatus(t, r, 200)
		if !strings.Contains(string(r.body), fmt.Sprintf(`"id":%d`, c.id)) {
			t.Fatalf("reverse lookup %s", r.body)
		}
	})
	t.Run("external ids unique across systems", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", add, AppToken, map[string]string{"system": "OTHER", "externalId": p.SupportID}), 409, subCodeExternalIDNotUnique)
	})
	t.Run("missing fields", func(t *testing.T) {
		expectSubCode(t, call(t, s, "POST", add, AppToken, map[string]string{"system": "SSO"}), 400, subCodeNA)
	})
}

// TestSubCodes reaches every subCode through a realistic request.
func TestSubCodes(t *testing.T) {
	s := shared()
	coupled := func(c *contact) bool { return free(c) && c.coupled }
	taken := pick(t, s, coupled) // its username (= email) is the one others collide with
	for _, tc := range []struct {
		name    string
		run     func(t *testing.T) reply
		status  int
		subCode string
	}{
		{"malformed body", func(t *testing.T) reply {
			return call(t, s, "PATCH", path("/v1.0/contacts/%d/details", taken.id), AppToken, `{"details":`)
		}, 400, subCodeNA},
		{"unknown field", func(t *testing.T) reply {
			return call(t, s, "PATCH", path("/v1.0/contacts/%d/details", taken.id), AppToken, map[string]any{"details": map[string]any{"x": "y"}})
		}, 400, subCodeNA},
		{"read-only field", func(t *testing.T) reply {
			return call(t, s, "PATCH", path("/v1.0/contacts/%d/details", taken.id), AppToken, map[string]any{"details": map[string]any{"personalInformation": map[string]any{"displayName": "X"}}})
		}, 400, subCodeNA},
		{"create with taken username", func(t *testing.T) reply {
			return call(t, s, "POST", routeContacts, AppToken, newContact(taken.username, "new@example.com"))
		}, 400, subCodeUsernameNotUnique},
		{"create coupled with taken email", func(t *testing.T) reply {
			return call(t, s, "POST", routeContacts, AppToken, newContact("", strings.ToUpper(taken.username)))
		}, 400, subCodeUsernameNotUnique},
		{"patch email of coupled contact to taken one", func(t *testing.T) reply {
			c := pick(t, s, coupled)
			return call(t, s, "PATCH", path("/v1.0/contacts/%d/details", c.id), MemberToken1, emailPatch(taken.username))
		}, 400, subCodeUsernameNotUnique},
		{"put username taken", func(t *testing.T) reply {
			c := pick(t, s, func(c *contact) bool { return free(c) && !c.coupled })
			return call(t, s, "PUT", path("/v1.0/contacts/%d/username", c.id), AppToken, map[string]string{"username": taken.username})
		}, 400, subCodeUsernameNotUnique},
		{"put username coupled with email", func(t *testing.T) reply {
			c := pick(t, s, coupled)
			return call(t, s, "PUT", path("/v1.0/contacts/%d/username", c.id), AppToken, map[string]string{"username": "someone-new"})
		}, 400, subCodeUsernameCoupledWithEmail},
		{"verify wrong key", func(t *testing.T) reply {
			c := pick(t, s, coupled)
			expectStatus(t, call(t, s, "PATCH", path("/v1.0/contacts/%d/details", c.id), AppToken, emailPatch("fresh-"+c.username)), 200)
			return call(t, s, "POST", path("/v1.0/contacts/%d/communication-channels/verify", c.id), AppToken, map[string]string{"channel": "Email", "key": "nope"})
		}, 400, subCodeKeyNoMatch},
		{"verify after too many attempts", func(t *testing.T) reply {
			c := pick(t, s, coupled)
			expectStatus(t, call(t, s, "PATCH", path("/v1.0/contacts/%d/details", c.id), AppToken, emailPatch("fresh-"+c.username)), 200)
			verify := path("/v1.0/contacts/%d/communication-channels/verify", c.id)
			for range maxKeyAttempts {
				expectSubCode(t, call(t, s, "POST", verify, AppToken, map[string]string{"channel": "Email", "key": "nope"}), 400, subCodeKeyNoMatch)
			}
			key, _ := s.VerificationKey(c.id, "Email")
			return call(t, s, "POST", verify, AppToken, map[string]string{"channel": "Email", "key": key})
		}, 400, subCodeKeyExpired},
		{"verify email taken meanwhile", func(t *testing.T) reply {
			c := pick(t, s, coupled)
			target := fmt.Sprintf("race-%d-%s", seq.Add(1), c.username)
			expectStatus(t, call(t, s, "PATCH", path("/v1.0/contacts/%d/details", c.id), AppToken, emailPatch(target)), 200)
			expectStatus(t, call(t, s, "POST", routeContacts, AppToken, newContact(target, "")), 201)
			key, _ := s.VerificationKey(c.id, "Email")
			return call(t, s, "POST", path("/v1.0/contacts/%d/communication-channels/verify", c.id), AppToken, map[string]string{"channel": "Email", "key": key})
		}, 400, subCodeUsernameNotUnique},
		{"verify without pending channel", func(t *testing.T) reply {
			c := pick(t, s, free)
			return call(t, s, "POST", path("/v1.0/contacts/%d/communication-channels/verify", c.id), AppToken, map[string]string{"channel": "Mobile", "key": "1"})
		}, 400, subCodeNoPendingChannel},
		{"unknown channel", func(t *testing.T) reply {
			c := pick(t, s, free)
			return call(t, s, "POST", path("/v1.0/contacts/%d/communication-channels/resend", c.id), AppToken, map[string]string{"channel": "Fax"})
		}, 400, subCodeNA},
	} {
		t.Run(tc.name, func(t *testing.T) { expectSubCode(t, tc.run(t), tc.status, tc.subCode) })
	}
}

func newContact(username, email string) map[string]any {
	body := map[string]any{"contactTypeId": 1, "details": map[string]any{
		"personalInformation": map[string]any{"firstName": "New", "lastName": "Person"},
		"communicationMeans":  map[string]any{"primaryEmail": email},
	}}
	if username != "" {
		body["username"] = username
	}
	return body
}

func emailPatch(email string) map[string]any {
	return map[string]any{"details": map[string]any{"communicationMeans": map[string]any{"primaryEmail": email}}}
}

func TestVerification(t *testing.T) {
	s := shared()
	c := pick(t, s, func(c *contact) bool { return free(c) && c.coupled })
	base := path("/v1.0/contacts/%d/", c.id)
	newEmail := "verified-" + c.username
	r := call(t, s, "PATCH", base+"details", MemberToken1, emailPatch(newEmail))
	expectStatus(t, r, 200)
	if !strings.Contains(string(r.body), `"hasPendingEmail":true`) || !strings.Contains(string(r.body), `"isApprovalRequired":false`) {
		t.Fatalf("update result %s", r.body)
	}
	if d := details(t, s, c.id); !d.HasPendingEmail || leaf(d.Details, pathEmail) == newEmail {
		t.Fatalf("email applied before verification: %+v", d)
	}
	first, ok := s.VerificationKey(c.id, "Email")
	if !ok {
		t.Fatal("no key issued")
	}
	expectStatus(t, call(t, s, "POST", base+"communication-channels/resend", AppToken, map[string]string{"channel": "Email"}), 204)
	second, _ := s.VerificationKey(c.id, "Email")
	if first == second {
		t.Fatal("resend kept the key")
	}
	expectSubCode(t, call(t, s, "POST", base+"communication-channels/verify", AppToken, map[string]string{"channel": "Email", "key": first}), 400, subCodeKeyNoMatch)
	expectStatus(t, call(t, s, "POST", base+"communication-channels/verify", AppToken, map[string]string{"channel": "Email", "key": second}), 204)
	if d := details(t, s, c.id); d.HasPendingEmail || leaf(d.Details, pathEmail) != newEmail {
		t.Fatalf("verified email not applied: %+v", d)
	}
	r = call(t, s, "GET", base+"username", AppToken, nil)
	if !strings.Contains(string(r.body), newEmail) {
		t.Fatalf("coupled username not following email: %s", r.body)
	}
	t.Run("discontinue", func(t *testing.T) {
		expectStatus(t, call(t, s, "PATCH", base+"details", AppToken, map[string]any{"details": map[string]any{"communicationMeans": map[string]any{"mobilePhoneNumber": "+46 70 000 00 00"}}}), 200)
		expectStatus(t, call(t, s, "POST", base+"communication-channels/discontinue", AppToken, map[string]string{"channel": "Mobile"}), 204)
		if d := details(t, s, c.id); d.HasPendingMobile {
			t.Fatal("still pending after discontinue")
		}
	})
}

func TestUsername(t *testing.T) {
	s := shared()
	c := pick(t, s, func(c *contact) bool { return !c.coupled })
	u := path("/v1.0/contacts/%d/username", c.id)
	name := fmt.Sprintf("brand.new.name.%d", c.id)
	expectStatus(t, call(t, s, "PUT", u, AppToken, map[string]string{"username": name}), 204)
	r := call(t, s, "GET", u, AppToken, nil)
	expectStatus(t, r, 200)
	if string(r.body) != `{"username":"`+name+`"}`+"\n" {
		t.Fatalf("username %s", r.body)
	}
	expectSubCode(t, call(t, s, "PUT", u, AppToken, map[string]any{"username": nil}), 400, subCodeNA)
}

func TestCreateContact(t *testing.T) {
	s := shared()
	email := fmt.Sprintf("created-%d@example.com", seq.Add(1))
	r := call(t, s, "POST", routeContacts, MemberToken5, newContact("", email))
	expectStatus(t, r, 201)
	var got struct {
		ID      int32
		UID     string `json:"uId"`
		Details any
	}
	r.decode(t, &got)
	if got.ID <= 100000 || len(got.UID) != 36 || got.Details != nil || !strings.Contains(string(r.body), `"details":null`) {
		t.Fatalf("created %s", r.body)
	}
	d := details(t, s, got.ID)
	if leaf(d.Details, pathDisplayName) != "New Person" || leaf(d.Details, pathEmail) != email {
		t.Fatalf("details %+v", d)
	}
	for _, tc := range []struct {
		name string
		body any
	}{
		{"unknown contact type", map[string]any{"contactTypeId": 99, "username": "x", "details": map[string]any{}}},
		{"missing required", map[string]any{"contactTypeId": 1, "username": "x2", "details": map[string]any{}}},
		{"no username nor email", newContact("", "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectSubCode(t, call(t, s, "POST", routeContacts, AppToken, tc.body), 400, subCodeNA)
		})
	}
}

func TestPutDetails(t *testing.T) {
	s := shared()
	c := pick(t, s, free)
	d := details(t, s, c.id)
	full := d.Details
	delete(full["employment"].(map[string]any), "jobTitle")
	full["personalInformation"].(map[string]any)["language"] = "fr"
	r := call(t, s, "PUT", path("/v1.0/contacts/%d/details", c.id), MemberToken2, map[string]any{"details": full})
	expectStatus(t, r, 200)
	got := details(t, s, c.id)
	if leaf(got.Details, pathLanguage) != "fr" || leaf(got.Details, pathJobTitle) != "" {
		t.Fatalf("PUT did not replace in full: %+v", got.Details)
	}
	delete(full["personalInformation"].(map[string]any), "lastName")
	expectSubCode(t, call(t, s, "PUT", path("/v1.0/contacts/%d/details", c.id), AppToken, map[string]any{"details": full}), 400, subCodeNA)
}

func TestChangeHistory(t *testing.T) {
	s := shared()
	var c *contact
	approved := 0
	for _, cr := range s.allCRs {
		if cr.status == statusApproved {
			n := 0
			for _, o := range s.crsByContact[cr.contactID] {
				if o.status == statusApproved {
					n++
				}
			}
			if n >= 2 {
				c, approved = s.contacts[cr.contactID], n
				break
			}
		}
	}
	if c == nil {
		t.Fatal("no contact with two approved change requests")
	}
	url := path("/v1.1/contacts/%d/details/change-history/search", c.id)
	r := call(t, s, "GET", url, AppToken, map[string]any{"pageSize": 1, "sortBy": "executionDate", "sortOrder": "Ascending"})
	expectStatus(t, r, 200)
	var p paged[wireHistoryEntry]
	r.decode(t, &p)
	if int(p.TotalCount) < approved || p.PageCount != p.TotalCount || len(p.Results) != 1 {
		t.Fatalf("history %s, want >= %d entries", r.body, approved)
	}
	r = call(t, s, "GET", url, AppToken, map[string]any{"paths": []string{"no.such.path"}})
	r.decode(t, &p)
	if p.TotalCount != 0 {
		t.Fatalf("paths filter ignored: %s", r.body)
	}
	expectSubCode(t, call(t, s, "GET", url, AppToken, map[string]any{"sortBy": "colour"}), 400, subCodeNA)
}

func TestProfilePicture(t *testing.T) {
	s := shared()
	c := pick(t, s, func(*contact) bool { return true })
	u := path("/v1.0/contacts/%d/profile-picture", c.id)
	get := func(t *testing.T) (string, bool) {
		r := call(t, s, "GET", u, AppToken, nil)
		expectStatus(t, r, 200)
		var p struct {
			ImageContentBase64 string
			IsDefaultImage     bool
		}
		r.decode(t, &p)
		return p.ImageContentBase64, p.IsDefaultImage
	}
	if img, def := get(t); !def || img != defaultPicture {
		t.Fatal("new contact has no default picture")
	}
	expectSubCode(t, call(t, s, "PUT", u, AppToken, map[string]string{"imageContentBase64": "bm90IGEgcG5n"}), 400, subCodeNA)
	custom := "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEklEQVR42mP8z8DwnwEIGGEMADqQA/1Ykxi4AAAAAElFTkSuQmCC"
	expectStatus(t, call(t, s, "PUT", u, AppToken, map[string]string{"imageContentBase64": custom}), 204)
	if img, def := get(t); def || img != custom {
		t.Fatal("stored picture not returned")
	}
	expectStatus(t, call(t, s, "DELETE", u, AppToken, nil), 204)
	if _, def := get(t); !def {
		t.Fatal("deleted picture still returned")
	}
}

func TestAnonymize(t *testing.T) {
	s := shared()
	a, b := pick(t, s, free), pick(t, s, free)
	expectStatus(t, call(t, s, "POST", routeAnonymize, AppToken, map[string]any{"contactIds": []int32{a.id}, "contactUIds": []string{b.uid}}), 204)
	for _, c := range []*contact{a, b} {
		d := details(t, s, c.id)
		if leaf(d.Details, pathFirstName) != "Anonymized" || leaf(d.Details, pathEmail) != "" {
			t.Fatalf("contact %d not anonymized: %+v", c.id, d.Details)
		}
	}
	expectStatus(t, call(t, s, "POST", routeAnonymize, AppToken, map[string]any{"contactIds": []int32{1}}), 404)
	expectSubCode(t, call(t, s, "POST", routeAnonymize, AppToken, map[string]any{}), 400, subCodeNA)
}
