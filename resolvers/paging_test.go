package resolvers

import (
	"errors"
	"fmt"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/rest"
	"crmgraph/graph/model"
)

func TestPageFor(t *testing.T) {
	tests := []struct {
		offset, first, maxPer int
		page, per, skip       int
		ok                    bool
	}{
		{0, 5, 50, 1, 5, 0, true},
		{5, 5, 50, 2, 5, 0, true},
		{3, 5, 50, 1, 8, 3, true}, // unaligned: a larger page holds the window
		{20, 20, 50, 2, 20, 0, true},
		{45, 10, 50, 5, 11, 1, true}, // 44..54 is page 5 of 11
		{49, 50, 50, 0, 0, 0, false}, // no page ≤ 50 holds 49..98 alone
		{0, 60, 50, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d+%d", tt.offset, tt.first), func(t *testing.T) {
			page, per, skip, ok := pageFor(tt.offset, tt.first, tt.maxPer)
			if ok != tt.ok || (ok && (page != tt.page || per != tt.per || skip != tt.skip)) {
				t.Fatalf("pageFor = %d,%d,%d,%v want %d,%d,%d,%v", page, per, skip, ok, tt.page, tt.per, tt.skip, tt.ok)
			}
			if ok { // the page really covers the window
				start := (page - 1) * per
				if start+skip != tt.offset || start+per < tt.offset+tt.first {
					t.Fatalf("page %d×%d does not cover %d..%d", page, per, tt.offset, tt.offset+tt.first)
				}
			}
		})
	}
}

// fakeList is an in-memory page-numbered list, to check fetchWindow's assembly.
func fakeList(n int, calls *int) func(page, per int) (page[int], error) {
	return func(pg, per int) (page[int], error) {
		*calls++
		out := page[int]{Total: n}
		for i := (pg - 1) * per; i < pg*per && i < n; i++ {
			out.Items = append(out.Items, i)
		}
		return out, nil
	}
}

func TestFetchWindow(t *testing.T) {
	tests := []struct {
		offset, first, n, wantCalls int
	}{
		{0, 20, 100, 1},
		{45, 10, 100, 1},
		{49, 50, 100, 2}, // spans two pages of 50
		{0, 100, 230, 2},
		{90, 30, 100, 1},
		{0, 0, 100, 1}, // total only
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d+%d of %d", tt.offset, tt.first, tt.n), func(t *testing.T) {
			calls := 0
			items, total, err := fetchWindow(50, window{Offset: tt.offset, First: tt.first}, fakeList(tt.n, &calls))
			if err != nil || total != tt.n || calls != tt.wantCalls {
				t.Fatalf("total %d calls %d err %v", total, calls, err)
			}
			want := min(tt.first, max(0, tt.n-tt.offset))
			if len(items) != want {
				t.Fatalf("%d items, want %d", len(items), want)
			}
			for i, v := range items {
				if v != tt.offset+i {
					t.Fatalf("item %d = %d", i, v)
				}
			}
		})
	}
}

func TestClassify(t *testing.T) {
	notSent := func(kind error) error {
		return fromBackend("cirrus", fmt.Errorf("cirrus accounts.get: %w: %w", kind, rest.ErrNotSent))
	}
	lostWrite := func(kind error) error {
		return fromBackend("cone", fmt.Errorf("cone accounts.create: answer lost: %w: %w", kind, rest.ErrOutcomeUnknown))
	}
	tests := []struct {
		err           error
		code          string
		wantRetryable any // nil: no extensions.retryable
	}{
		{notSent(rest.ErrUnavailable), CodeUpstreamUnavailable, true},
		{notSent(rest.ErrTimeout), CodeUpstreamTimeout, true},
		{lostWrite(rest.ErrTimeout), CodeUpstreamOutcomeUnknown, false},
		{lostWrite(rest.ErrUnavailable), CodeUpstreamOutcomeUnknown, false},
		{fmt.Errorf("cirrus: create account: %w", cirrus.ErrCreatedUnseen), CodeUpstreamOutcomeUnknown, false},
		{fmt.Errorf("cirrus: update order 7: %w", cirrus.ErrUpdatedUnseen), CodeUpstreamOutcomeUnknown, false},
		{fromBackend("cirrus", fmt.Errorf("cirrus x: backend call budget exhausted: %w: %w", rest.ErrBudgetExceeded, rest.ErrNotSent)),
			CodeBackendCallLimitExceeded, nil},
		{fromBackend("cirrus", fmt.Errorf("cirrus x: bad header: %w: %w", rest.ErrBadRequest, rest.ErrNotSent)), CodeBadUserInput, nil},
		{&rest.HTTPError{Backend: "cirrus", Status: 404}, CodeNotFound, nil},
		{&rest.HTTPError{Backend: "cirrus", Status: 401}, CodeUnauthenticated, nil},
		{&rest.HTTPError{Backend: "cone", Status: 403}, CodeForbidden, nil},
		{&rest.HTTPError{Backend: "cone", Status: 429}, CodeRateLimited, nil},
		{&rest.HTTPError{Backend: "clientdata", Status: 400, SubCode: "KeyExpired"}, CodeBadUserInput, nil},
		{&rest.HTTPError{Backend: "clientdata", Status: 409}, CodeBadUserInput, nil},
		{&rest.HTTPError{Backend: "cirrus", Status: 503}, CodeUpstreamUnavailable, nil},
		{&rest.HTTPError{Backend: "cirrus", Status: 504}, CodeUpstreamTimeout, nil},
		{&rest.HTTPError{Backend: "support", Status: 302}, CodeUpstreamUnavailable, nil},
		{fromBackend("cirrus", fmt.Errorf("x: %w", rest.ErrTimeout)), CodeUpstreamTimeout, nil},
		{fromBackend("cone", fmt.Errorf("x: %w", rest.ErrUnavailable)), CodeUpstreamUnavailable, nil},
		{model.ErrBadID, CodeBadUserInput, nil},
		{badInput("nope"), CodeBadUserInput, nil},
		{&model.InputError{Scalar: "Decimal", Value: "NaN", Reason: "is not a decimal number"}, CodeBadUserInput, nil},
		{gqlerror.WrapPath(ast.Path{ast.PathName("createLead")}, &model.InputError{Scalar: "Date", Reason: "must be a string"}), CodeBadUserInput, nil},
		{malformedID("Cirrus article", "abc"), CodeBadUserInput, nil},
		{errors.New("boom at http://10.0.0.1/secret"), CodeInternal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			code, msg := Classify(tt.err)
			if code != tt.code {
				t.Fatalf("code %s, want %s", code, tt.code)
			}
			if code == CodeInternal && msg != "internal error" {
				t.Fatalf("internal errors must not pass their text on: %q", msg)
			}
			ext := ErrorPresenter(nil)(t.Context(), tt.err).Extensions
			if ext["code"] != tt.code || ext["retryable"] != tt.wantRetryable {
				t.Fatalf("extensions %v, want code %s, retryable %v", ext, tt.code, tt.wantRetryable)
			}
		})
	}
}

func TestCirrusMask(t *testing.T) {
	m := &maskSet{selected: map[string]map[string]bool{
		"Order":   {"number": true, "status": true, "account": true, "total": true},
		"Account": {"name": true, "number": true, "links": true},
	}, built: map[string]string{}}
	// links is not in the order's summary of the account: that account is read in full.
	if got, want := m.cirrusWith("Order", "account{id}"), "{account{id,name,number},id,price,rows{totalprice},status}"; got != want {
		t.Fatalf("mask = %s, want %s", got, want)
	}
	// rows asks for the selected row keys and merges with what total needs.
	m.selected["Order"]["rows"] = true
	m.selected["OrderRow"] = map[string]bool{"articleName": true, "quantity": true}
	if got, want := m.cirrusWith("Order"), "{account{id,name,number},id,price,rows{article,id,quantityordered,totalprice},status}"; got != want {
		t.Fatalf("mask with rows = %s, want %s", got, want)
	}
	if got := (&maskSet{}).cirrus("Order"); got != "" {
		t.Fatalf("no operation: mask %q, want none", got)
	}
}
