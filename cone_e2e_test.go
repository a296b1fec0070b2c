package main

import (
	"encoding/base64"
	"encoding/json"
	"testing"
)

func TestConeContactsByIDAreOneCall(t *testing.T) {
	var list struct {
		Contacts struct {
			Edges []struct {
				Node struct{ ID, Source, Name string }
			}
		}
	}
	query(t, `{ contacts(first: 20, filter: {sources: [CONE]}) { edges { node { id source name } } } }`, nil, &list)
	if len(list.Contacts.Edges) != 20 {
		t.Fatalf("got %d contacts", len(list.Contacts.Edges))
	}
	ids := make([]string, 0, 20)
	for _, e := range list.Contacts.Edges {
		if e.Node.Source != "CONE" {
			t.Fatalf("source %s", e.Node.Source)
		}
		ids = append(ids, e.Node.ID)
	}
	var got struct {
		Nodes []*struct{ ID, Name string }
	}
	r := query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Contact { name } } }`, map[string]any{"ids": ids}, &got)
	if len(got.Nodes) != 20 {
		t.Fatalf("got %d nodes", len(got.Nodes))
	}
	for i, n := range got.Nodes {
		if n == nil || n.ID != ids[i] || n.Name != list.Contacts.Edges[i].Node.Name {
			t.Fatalf("node %d = %+v, want %s", i, n, ids[i])
		}
	}
	if r.calls("cone") != 1 || r.calls("") != 1 {
		t.Fatalf("calls = %d (cone %d), want exactly 1\n%s", r.calls(""), r.calls("cone"), describeCalls(r))
	}
	if c := r.Extensions.Trace.BackendCalls[0]; c.Keys != 20 || c.Method != "POST" {
		t.Fatalf("call %+v, want one query-builder POST for 20 keys", c)
	}
}

func TestConeLeadsWithStagesAndContacts(t *testing.T) {
	var data struct {
		Leads struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Title string
					Stage     *struct{ Name string }
					Contact   *struct {
						ID    string
						Leads []struct{ ID string }
					}
				}
			}
		}
	}
	query(t, `{ leads(first: 15, filter: {sources: [CONE]}) { totalCount edges { node { id title stage { name }
	  contact { id leads { id } } } } } }`, nil, &data)
	if data.Leads.TotalCount < 1500 || len(data.Leads.Edges) != 15 {
		t.Fatalf("totalCount %d, %d edges", data.Leads.TotalCount, len(data.Leads.Edges))
	}
	stages, agree := 0, 0
	for _, e := range data.Leads.Edges {
		if e.Node.Stage != nil && e.Node.Stage.Name != "" {
			stages++
		}
		if e.Node.Contact == nil {
			continue
		}
		// Contact.leads lists the contact's open leads; an open lead's contact lists it.
		for _, l := range e.Node.Contact.Leads {
			if l.ID == e.Node.ID {
				agree++
			}
		}
	}
	if stages == 0 || agree == 0 {
		t.Fatalf("stages %d, leads found back through their contact %d", stages, agree)
	}
}

func TestConeUnauthorizedLeavesCirrusIntact(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	env["CONE_TOKEN"] = "not-the-cone-jwt"
	_, srv := newGateway(t, env)
	r := post(t, srv, request{Query: `{ cirrus: accounts(first: 3, filter: {sources: [CIRRUS]}) { edges { node { name } } }
	  cone: accounts(first: 3, filter: {sources: [CONE]}) { edges { node { name } } } }`})
	var data struct {
		Cirrus, Cone struct{ Edges []json.RawMessage }
	}
	_ = json.Unmarshal(r.Data, &data)
	if len(data.Cirrus.Edges) != 3 || len(data.Cone.Edges) != 0 {
		t.Fatalf("data: %s", r.Data)
	}
	if got := r.codes(); len(got) != 1 || got[0] != "UNAUTHENTICATED" || r.Errors[0].Extensions["source"] != "CONE" {
		t.Fatalf("errors: %s", r.raw)
	}
	mustNotLeak(t, r, "not-the-cone-jwt")
}

func TestAccountLinksAgreeFromBothSides(t *testing.T) {
	var data struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					ID          string
					ExternalIds []struct{ System, ExternalID string }
					Links       []struct {
						ID, Source string
						Links      []struct{ ID string }
					}
				}
			}
		}
	}
	query(t, `{ accounts(first: 10, filter: {sources: [CONE]}) { edges { node { id externalIds { system externalId }
	  links { id source links { id } } } } } }`, nil, &data)
	linked := 0
	for _, e := range data.Accounts.Edges {
		for _, l := range e.Node.Links {
			if l.Source != "CIRRUS" {
				t.Fatalf("link source %s", l.Source)
			}
			back := false
			for _, b := range l.Links {
				back = back || b.ID == e.Node.ID
			}
			if !back {
				t.Fatalf("Cirrus account %s does not link back to %s", l.ID, e.Node.ID)
			}
			linked++
		}
	}
	if linked == 0 {
		t.Fatal("no ConeCRM account linked to Cirrus")
	}
}

func TestEdgesASourceLacksAreNull(t *testing.T) {
	var data struct {
		Accounts struct {
			Edges []struct {
				Node struct {
					Source   string
					Orders   *struct{ TotalCount int }
					Contacts *struct{ TotalCount int }
				}
			}
		}
	}
	// A page across both sources: ConeCRM accounts have contacts but no orders.
	query(t, `{ accounts(first: 3, after: "`+coneStartCursor(t)+`") { edges { node { source orders { totalCount } contacts { totalCount } } } } }`, nil, &data)
	sources := map[string]bool{}
	for _, e := range data.Accounts.Edges {
		sources[e.Node.Source] = true
		if e.Node.Contacts == nil {
			t.Fatalf("%s account without contacts connection", e.Node.Source)
		}
		if (e.Node.Orders == nil) != (e.Node.Source == "CONE") {
			t.Fatalf("%s account orders = %+v", e.Node.Source, e.Node.Orders)
		}
	}
	if !sources["CIRRUS"] || !sources["CONE"] {
		t.Fatalf("page did not span both sources: %v", sources)
	}
}

// coneStartCursor is the federated cursor two records before the end of the Cirrus
// accounts, so the next page spans Cirrus and ConeCRM.
func coneStartCursor(t *testing.T) string {
	b, _ := json.Marshal(map[string]int{"CIRRUS": 2198})
	return base64.RawURLEncoding.EncodeToString(append([]byte("f:"), b...))
}

func TestContactLinksAreBatched(t *testing.T) {
	// Links of 20 ConeCRM contacts: their Cirrus counterparts come from one fan-out batch,
	// and every link is the same person.
	var data struct {
		Contacts struct {
			Edges []struct {
				Node struct {
					FirstName, LastName string
					Links               []struct{ Source, FirstName, LastName string }
				}
			}
		}
	}
	r := query(t, `{ contacts(first: 20, filter: {sources: [CONE]}) { edges { node { firstName lastName
	  links { source firstName lastName } } } } }`, nil, &data)
	linked := 0
	for _, e := range data.Contacts.Edges {
		for _, l := range e.Node.Links {
			if l.FirstName != e.Node.FirstName || l.LastName != e.Node.LastName {
				t.Fatalf("%s %s links to %s %s (%s)", e.Node.FirstName, e.Node.LastName, l.FirstName, l.LastName, l.Source)
			}
			linked++
		}
	}
	if linked == 0 {
		t.Fatal("no ConeCRM contact linked")
	}
	if n := r.calls("cirrus"); n != linked {
		t.Fatalf("%d Cirrus calls for %d linked contacts: one GET per distinct contact expected\\n%s", n, linked, describeCalls(r))
	}
}
