package cirrus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"crmgraph/backends/rest"
)

// ErrCreatedUnseen says a create was accepted (2xx) but the client could not get the
// new record back: the API returned neither a body nor a Location, and no listed record
// matches what was written (or reading it back failed). The record WAS created: a caller
// must not retry the create, or it would exist twice.
var ErrCreatedUnseen = errors.New("the record was created but could not be read back")

// ErrUpdatedUnseen says an update was accepted (2xx) without a body and reading the
// record back failed: the change WAS applied.
var ErrUpdatedUnseen = errors.New("the record was updated but could not be read back")

// readBack is the record read after an update that answered no body.
func readBack[T any](rec *T, err error) (*T, error) {
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUpdatedUnseen, err)
	}
	return rec, nil
}

// findPages bounds the search for a created record: 20 pages of MaxPerPage.
const findPages = 20

// CreateAnswer says where a create's record came from.
type CreateAnswer string

// Create answers.
const (
	FromBody     CreateAnswer = "body"     // the response body held it
	FromLocation CreateAnswer = "location" // read from the item the Location header names
	FromList     CreateAnswer = "list"     // found in the list by what was written
)

// create POSTs body and returns the created record. The seed documents no response
// body for any create (digest section 1), so the record is taken, in this order:
//  1. from the body, when the API sends one with an id;
//  2. else from the Location header, by reading the item it names;
//  3. else by find, which lists the collection filtered by what was written and takes
//     the matching record with the highest id (Cirrus ids are auto-increment, so that
//     is the newest; two identical creates racing each other could swap records).
//
// The create is never sent twice. When every way fails the error wraps ErrCreatedUnseen.
func create[T any](ctx context.Context, c *Client, op, collection string, body any, id func(*T) int,
	get func(context.Context, int) (*T, error), find func(context.Context) (*T, error)) (*T, CreateAnswer, error) {
	var out *T
	h, _, err := c.rest.Do(c.collection(ctx), rest.Request{Op: op, Method: http.MethodPost, Path: collection, Body: body}, &out)
	if err != nil {
		return nil, "", err
	}
	if out != nil && id(out) > 0 {
		return out, FromBody, nil
	}
	if n, ok := locationID(h.Get("Location")); ok {
		rec, err := get(ctx, n)
		if err != nil {
			return nil, FromLocation, fmt.Errorf("%w: read %d from Location: %w", ErrCreatedUnseen, n, err)
		}
		return rec, FromLocation, nil
	}
	rec, err := find(ctx)
	if err != nil {
		return nil, FromList, fmt.Errorf("%w: find it: %w", ErrCreatedUnseen, err)
	}
	if rec == nil {
		return nil, FromList, fmt.Errorf("%w: no body, no Location, and no listed record matches what was written", ErrCreatedUnseen)
	}
	return rec, FromList, nil
}

// locationID reads the id a Location header ends with (absolute or relative URL).
func locationID(loc string) (int, bool) {
	if loc == "" {
		return 0, false
	}
	u, err := url.Parse(loc)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(path.Base(strings.TrimRight(u.Path, "/")))
	return n, err == nil && n > 0
}

// newest walks the pages fetch returns and keeps the matching record with the highest id.
func newest[T any](ctx context.Context, fetch func(context.Context, int) (*Page[T], error), match func(*T) bool, id func(*T) int) (*T, error) {
	var best *T
	for page := 1; page <= findPages; page++ {
		p, err := fetch(ctx, page)
		if err != nil {
			return nil, err
		}
		for i := range p.Items {
			if match(&p.Items[i]) && (best == nil || id(&p.Items[i]) > id(best)) {
				best = &p.Items[i]
			}
		}
		if page >= p.Pages || len(p.Items) == 0 {
			return best, nil
		}
	}
	return best, nil
}

// written reports whether an optional text is absent or equal to got.
func written(o rest.Optional[string], got string) bool {
	v, ok := o.Get()
	return !ok || v == got
}

func (c *Client) findPage(page int) ListOptions { return ListOptions{Page: page, PerPage: c.perPage} }
