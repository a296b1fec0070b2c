package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"crmgraph/backends/sandbox"
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

// SupportCustomer.phones are the customers' phone objects (seed 000 L2292–2343:
// country_code, area_code, number, extension) in E.123 international notation, read
// against the sandbox's own answer over HTTP.
func TestSupportCustomerPhonesAreInternationalNumbers(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, sharedSandboxURL(t)+"/support/customer-support/customers?limit=60", nil)
	req.Header.Set("Authorization", "Bearer sandbox")
	req.Header.Set("x-apideck-app-id", sandbox.SupportAppID)
	req.Header.Set("x-apideck-consumer-id", "sandbox-consumer")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var direct struct {
		Data []struct {
			ID           string `json:"id"`
			PhoneNumbers []struct {
				CountryCode *string `json:"country_code"`
				AreaCode    *string `json:"area_code"`
				Number      *string `json:"number"`
				Extension   *string `json:"extension"`
			} `json:"phone_numbers"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&direct); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sandbox: %d %v", resp.StatusCode, err)
	}
	var data struct {
		SupportCustomers struct {
			Edges []struct {
				Node struct {
					SourceID string
					Phones   []string
				}
			}
		}
	}
	query(t, `{ supportCustomers(first: 60) { edges { node { sourceId phones } } } }`, nil, &data)
	if len(data.SupportCustomers.Edges) != len(direct.Data) || len(direct.Data) != 60 {
		t.Fatalf("%d customers from the gateway, %d from the sandbox", len(data.SupportCustomers.Edges), len(direct.Data))
	}
	shape := regexp.MustCompile(`^\+[0-9]{1,3} [0-9]+ [0-9][0-9 ]*[0-9]$`)
	for i, e := range data.SupportCustomers.Edges {
		d := direct.Data[i]
		var want []string
		for _, p := range d.PhoneNumbers {
			if p.CountryCode == nil || p.AreaCode == nil || p.Number == nil || p.Extension != nil {
				t.Fatalf("sandbox customer %s: phone %+v", d.ID, p)
			}
			want = append(want, "+"+*p.CountryCode+" "+*p.AreaCode+" "+*p.Number)
		}
		if e.Node.SourceID != d.ID || !slices.Equal(e.Node.Phones, want) {
			t.Fatalf("customer %s: phones %q, the sandbox's %s has %q", e.Node.SourceID, e.Node.Phones, d.ID, want)
		}
		for _, p := range e.Node.Phones {
			if !shape.MatchString(p) {
				t.Fatalf("customer %s: phone %q is not +country area number", d.ID, p)
			}
		}
	}
}
