package gqlhttp

import (
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
)

// encodeResponse writes resp as json.Marshal does, field for field, except that the
// data, which gqlgen's executor has already written as compact JSON, is copied as it is:
// json.Marshal would scan it again to compact it and escape <, > and & in its strings
// (a few percent of the gateway's CPU on a large answer). The other members are
// encoded by json.Marshal.
func encodeResponse(resp *graphql.Response) ([]byte, error) {
	b := make([]byte, 0, len(resp.Data)+64)
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		b = append(b, `"errors":`...)
		b = append(b, errs...)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	member := func(name string, v any) error {
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b = append(b, `,"`...)
		b = append(b, name...)
		b = append(b, `":`...)
		b = append(b, enc...)
		return nil
	}
	if resp.Label != "" {
		if err := member("label", resp.Label); err != nil {
			return nil, err
		}
	}
	if len(resp.Path) > 0 {
		if err := member("path", resp.Path); err != nil {
			return nil, err
		}
	}
	if resp.HasNext != nil {
		if err := member("hasNext", *resp.HasNext); err != nil {
			return nil, err
		}
	}
	if len(resp.Extensions) > 0 {
		if err := member("extensions", resp.Extensions); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}
