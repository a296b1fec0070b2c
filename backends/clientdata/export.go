package clientdata

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"crmgraph/backends/rest"
)

// The API has no contact list: the export is the only way to enumerate contacts. It
// runs in two calls, POST PathContactsExport (→ a job id) then GET
// PathContactsExportJob (→ CSV with the attributes the contact schema marks
// isExportable).

// Detail paths of the well-known exported attributes (columns of the export CSV and
// keys of the details tree).
const (
	FieldFirstName   = "personalInformation.firstName"
	FieldLastName    = "personalInformation.lastName"
	FieldDisplayName = "personalInformation.displayName"
	FieldLanguage    = "personalInformation.language"
	FieldCompany     = "employment.companyName"
	FieldJobTitle    = "employment.jobTitle"
	FieldEmail       = "communicationMeans.primaryEmail"
	FieldPhone       = "communicationMeans.primaryPhoneNumber"
	FieldMobile      = "communicationMeans.mobilePhoneNumber"
	FieldStreet      = "addresses.primaryAddress.street"
	FieldPostalCode  = "addresses.primaryAddress.postalCode"
	FieldCity        = "addresses.primaryAddress.city"
	FieldCountry     = "addresses.primaryAddress.country"
)

// Identity columns of the export CSV; every other column is a detail path.
const (
	ColumnID       = "id"
	ColumnUID      = "uId"
	ColumnUsername = "username"
)

// ExportedContact is one row of a contacts export. Fields holds every column other
// than the identity columns, by header (a dotted detail path); an empty cell is "".
type ExportedContact struct {
	ID       int32
	UID      string
	Username string
	Fields   map[string]string
}

// DisplayName returns the exported display name.
func (c ExportedContact) DisplayName() string { return c.Fields[FieldDisplayName] }

// FirstName returns the exported first name.
func (c ExportedContact) FirstName() string { return c.Fields[FieldFirstName] }

// LastName returns the exported last name.
func (c ExportedContact) LastName() string { return c.Fields[FieldLastName] }

// Email returns the exported primary email.
func (c ExportedContact) Email() string { return c.Fields[FieldEmail] }

// Phone returns the exported primary phone number.
func (c ExportedContact) Phone() string { return c.Fields[FieldPhone] }

// Mobile returns the exported mobile phone number.
func (c ExportedContact) Mobile() string { return c.Fields[FieldMobile] }

// Company returns the exported employer name.
func (c ExportedContact) Company() string { return c.Fields[FieldCompany] }

// JobTitle returns the exported job title.
func (c ExportedContact) JobTitle() string { return c.Fields[FieldJobTitle] }

// City returns the exported city of the primary address.
func (c ExportedContact) City() string { return c.Fields[FieldCity] }

type exportJob struct {
	ExportJobID string `json:"exportJobId"`
}

// ExportContacts starts an export job and returns its id. An empty query exports all
// contacts; otherwise query is a HotChocolate GraphQL document over `contacts` (see
// ContactsExportQuery), sent as the raw request body with Content-Type text/plain:
// the seed's request sample is the bare query text, not a JSON value.
func (c *Client) ExportContacts(ctx context.Context, query string) (string, error) {
	var out exportJob
	if err := c.postText(ctx, "contacts.export", PathContactsExport, query, &out); err != nil {
		return "", fmt.Errorf("clientdata: export contacts: %w", err)
	}
	if out.ExportJobID == "" {
		return "", fmt.Errorf("clientdata: export contacts: answer without exportJobId: %w", rest.ErrUnavailable)
	}
	return out.ExportJobID, nil
}

// ExportedContacts downloads the CSV of an export job and parses it. An unknown (or
// expired) job is rest.ErrNotFound.
func (c *Client) ExportedContacts(ctx context.Context, jobID string) ([]ExportedContact, error) {
	var raw []byte
	if _, _, err := c.rest.Do(ctx, rest.Request{Op: "contacts.exportJob", Method: http.MethodGet,
		Path: expand(PathContactsExportJob, jobID)}, &raw); err != nil {
		return nil, fmt.Errorf("clientdata: get contacts export %s: %w", jobID, err)
	}
	out, err := ParseContactsCSV(raw)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get contacts export %s: %w", jobID, err)
	}
	return out, nil
}

// ParseContactsCSV parses an export CSV: a header row naming the columns (identity
// columns matched case-insensitively, a UTF-8 byte order mark tolerated), then one row
// per contact. A malformed file or a row without a valid id wraps rest.ErrUnavailable:
// the backend answered something the client cannot use.
func ParseContactsCSV(raw []byte) ([]ExportedContact, error) {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(raw))
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil // no header at all: nothing exported
	}
	if err != nil {
		return nil, fmt.Errorf("parse export csv header: %v: %w", err, rest.ErrUnavailable)
	}
	idCol, uidCol, userCol := -1, -1, -1
	for i, h := range header {
		switch {
		case strings.EqualFold(h, ColumnID):
			idCol = i
		case strings.EqualFold(h, ColumnUID):
			uidCol = i
		case strings.EqualFold(h, ColumnUsername):
			userCol = i
		}
	}
	if idCol < 0 {
		return nil, fmt.Errorf("parse export csv: no %q column: %w", ColumnID, rest.ErrUnavailable)
	}
	var out []ExportedContact
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parse export csv: %v: %w", err, rest.ErrUnavailable)
		}
		id, err := strconv.ParseInt(rec[idCol], 10, 32)
		if err != nil {
			line, _ := r.FieldPos(idCol)
			return nil, fmt.Errorf("parse export csv: line %d: id %q: %w", line, rec[idCol], rest.ErrUnavailable)
		}
		ec := ExportedContact{ID: int32(id), Fields: make(map[string]string, len(rec))}
		for i, v := range rec {
			switch i {
			case idCol:
			case uidCol:
				ec.UID = v
			case userCol:
				ec.Username = v
			default:
				ec.Fields[header[i]] = v
			}
		}
		out = append(out, ec)
	}
}

// ContactsExportQuery builds the export's GraphQL query: offset paging through the
// HotChocolate CollectionSegment arguments skip and take (0 or less leaves them out:
// from the start, everything), and, when displayNameContains is not empty, a
// `contains` filter on personalInformation.displayName.
func ContactsExportQuery(skip, take int, displayNameContains string) string {
	var args []string
	if skip > 0 {
		args = append(args, "skip: "+strconv.Itoa(skip))
	}
	if take > 0 {
		args = append(args, "take: "+strconv.Itoa(take))
	}
	if displayNameContains != "" {
		args = append(args, "where: { and: [{ personalInformation: { displayName: { contains: "+
			GraphQLString(displayNameContains)+" } } }] }")
	}
	var b strings.Builder
	b.WriteString("query { contacts")
	if len(args) > 0 {
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	b.WriteString(" { items { id } } }")
	return b.String()
}

// GraphQLString quotes s as a GraphQL string literal. strconv.Quote would not do: Go
// escapes such as \x00 or \a are not GraphQL.
func GraphQLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// postText POSTs a raw text body (none when text is empty) and decodes the JSON answer
// into out. It exists because rest.Request.Body is always JSON-encoded; it keeps
// rest.Client's behaviour otherwise (auth, per-call timeout, call info for metrics,
// bounded error body, ApiError decoding, URL-free errors). Replace it with rest.Do
// once rest can send a raw body.
func (c *Client) postText(ctx context.Context, op, path, text string, out any) error {
	rc := &c.rest
	if rc.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rc.Timeout)
		defer cancel()
	}
	ctx = rest.WithCallInfo(ctx, rest.CallInfo{Backend: rc.Backend, Operation: op, Keys: 1})
	var body io.Reader = http.NoBody
	if text != "" {
		body = strings.NewReader(text)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rc.BaseURL+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: build request: %w", rc.Backend, op, rest.ErrBadRequest)
	}
	req.Header.Set("Accept", "application/json")
	if text != "" {
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	if rc.Auth != nil {
		rc.Auth(ctx, req.Header)
	}
	resp, err := rc.HTTP.Do(req)
	if err != nil {
		return transportError(ctx, rc.Backend, op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, rest.MaxErrorBody))
		herr := &rest.HTTPError{Backend: rc.Backend, Operation: op, Status: resp.StatusCode,
			RetryAfter: rest.ParseRetryAfter(resp.Header.Get("Retry-After"))}
		if rc.DecodeError != nil && len(b) > 0 {
			rc.DecodeError(b, herr)
		}
		if len(herr.Message) > 500 {
			herr.Message = herr.Message[:500] + "…"
		}
		return herr
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return transportError(ctx, rc.Backend, op, ctxErr)
		}
		return fmt.Errorf("%s %s: decode response: %w", rc.Backend, op, rest.ErrUnavailable)
	}
	return nil
}

// transportError mirrors rest's mapping of network failures to sentinels, without the
// URL (*url.Error would print it).
func transportError(ctx context.Context, backend, op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%s %s: %w", backend, op, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s %s: %w", backend, op, rest.ErrTimeout)
	case errors.Is(err, rest.ErrUnavailable) || errors.Is(err, rest.ErrTimeout) || errors.Is(err, rest.ErrRateLimited):
		return fmt.Errorf("%s %s: %w", backend, op, err) // from transport middleware (breaker, limiter)
	}
	return fmt.Errorf("%s %s: %w", backend, op, rest.ErrUnavailable)
}
