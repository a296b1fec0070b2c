package main

import (
	"testing"
)

func TestSupportCustomersPageExactly(t *testing.T) {
	var count struct {
		SupportCustomers struct{ TotalCount int }
	}
	query(t, `{ supportCustomers(first: 0) { totalCount } }`, nil, &count)
	total := count.SupportCustomers.TotalCount
	seen := map[string]bool{}
	var after any
	for page := 0; page < 50; page++ {
		var data struct {
			SupportCustomers struct {
				Edges []struct {
					Node struct {
						ID, SourceID, Name string
						Emails             []string
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		query(t, `query($after: String) { supportCustomers(first: 90, after: $after) { edges { node { id sourceId name emails } }
		  pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &data)
		for _, e := range data.SupportCustomers.Edges {
			if seen[e.Node.ID] {
				t.Fatalf("customer %s twice", e.Node.SourceID)
			}
			seen[e.Node.ID] = true
		}
		if !data.SupportCustomers.PageInfo.HasNextPage {
			break
		}
		after = data.SupportCustomers.PageInfo.EndCursor
	}
	if total < 1500 || len(seen) != total {
		t.Fatalf("walked %d customers, totalCount %d", len(seen), total)
	}
}

func TestClientDataContactsReachTheirSupportCustomer(t *testing.T) {
	var data struct {
		Contacts struct {
			Edges []struct {
				Node struct {
					FirstName, LastName string
					SupportCustomer     *struct {
						ID, FirstName, LastName string
					}
				}
			}
		}
	}
	query(t, `{ contacts(first: 30, filter: {sources: [CLIENT_DATA]}) { edges { node { firstName lastName
	  supportCustomer { id firstName lastName } } } } }`, nil, &data)
	linked := 0
	for _, e := range data.Contacts.Edges {
		sc := e.Node.SupportCustomer
		if sc == nil {
			continue
		}
		linked++
		if sc.FirstName != e.Node.FirstName || sc.LastName != e.Node.LastName {
			t.Fatalf("contact %s %s is linked to support customer %s %s", e.Node.FirstName, e.Node.LastName, sc.FirstName, sc.LastName)
		}
		var got struct{ Node struct{ ID string } }
		query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": sc.ID}, &got)
		if got.Node.ID != sc.ID {
			t.Fatalf("node(%s) = %s", sc.ID, got.Node.ID)
		}
	}
	if linked == 0 {
		t.Fatal("no client-data contact reached a support customer")
	}
}
