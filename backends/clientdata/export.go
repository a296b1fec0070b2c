package clientdata

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// Identity columns of the export CSV by default; every other column is a detail path.
// The seed names no column (L503: "all the attributes that are marked with
// 'isExportable' = true"): CLIENT_DATA_EXPORT_COLUMNS renames them.
const (
	ColumnID       = "id"
	ColumnUID      = "uId"
	ColumnUsername = "username"
)

// ExportColumns are the headers of the export CSV's identity columns.
type ExportColumns struct{ ID, UID, Username string }

// DefaultExportColumns are the sandbox's headers.
var DefaultExportColumns = ExportColumns{ID: ColumnID, UID: ColumnUID, Username: ColumnUsername}

// ParseExportColumns reads "id=header,uId=header,username=header" (any subset) over
// the defaults, e.g. "id=contactId,uId=contactUid".
func ParseExportColumns(spec string) (ExportColumns, error) {
	cols := DefaultExportColumns
	for pair := range strings.SplitSeq(spec, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, header, ok := strings.Cut(pair, "=")
		name, header = strings.TrimSpace(name), strings.TrimSpace(header)
		if !ok || header == "" {
			return cols, fmt.Errorf("%q: want column=header", pair)
		}
		switch {
		case strings.EqualFold(name, ColumnID):
			cols.ID = header
		case strings.EqualFold(name, ColumnUID):
			cols.UID = header
		case strings.EqualFold(name, ColumnUsername):
			cols.Username = header
		default:
			return cols, fmt.Errorf("%q: the columns are %s, %s and %s", name, ColumnID, ColumnUID, ColumnUsername)
		}
	}
	return cols, nil
}

// String is the setting's form.
func (c ExportColumns) String() string {
	return ColumnID + "=" + c.ID + "," + ColumnUID + "=" + c.UID + "," + ColumnUsername + "=" + c.Username
}

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
	req := rest.Request{Op: "contacts.export", Method: http.MethodPost, Path: PathContactsExport}
	if query != "" {
		req.RawBody, req.ContentType = []byte(query), "text/plain; charset=utf-8"
	}
	if _, _, err := c.rest.Do(ctx, req, &out); err != nil {
		return "", fmt.Errorf("clientdata: export contacts: %w", err)
	}
	if out.ExportJobID == "" {
		return "", fmt.Errorf("clientdata: export contacts: answer without exportJobId: %w", rest.ErrUnavailable)
	}
	return out.ExportJobID, nil
}

// ErrExportPending: the export job was still not ready after Config.ExportPolls reads.
var ErrExportPending = fmt.Errorf("export job not ready: %w", rest.ErrUnavailable)

// ExportedContacts downloads the CSV of an export job and parses it. An unknown (or
// expired) job is rest.ErrNotFound. The seed says the export "initiates the process
// … and responds with a jobId" (004 L503) and nothing of a job still running; the
// client reads 202 Accepted as "not ready yet" and asks again, with backoff, at most
// Config.ExportPolls times and never past ctx's deadline.
func (c *Client) ExportedContacts(ctx context.Context, jobID string) ([]ExportedContact, error) {
	raw, err := c.ExportedCSV(ctx, jobID)
	if err != nil {
		return nil, err
	}
	out, err := ParseContactsCSVColumns(raw, c.columns)
	if err != nil {
		return nil, fmt.Errorf("clientdata: get contacts export %s: %w", jobID, err)
	}
	return out, nil
}

// ExportedCSV downloads the CSV of an export job as the API sends it, reading again
// while the job is not ready (see ExportedContacts).
func (c *Client) ExportedCSV(ctx context.Context, jobID string) ([]byte, error) {
	var raw []byte
	delay := c.pollDelay
	for read := 1; ; read++ {
		raw = nil
		_, status, err := c.rest.Do(ctx, rest.Request{Op: "contacts.exportJob", Method: http.MethodGet,
			Path: expand(PathContactsExportJob, jobID)}, &raw)
		if err != nil {
			return nil, fmt.Errorf("clientdata: get contacts export %s: %w", jobID, err)
		}
		if status != http.StatusAccepted {
			break
		}
		if read >= c.polls {
			return nil, fmt.Errorf("clientdata: get contacts export %s: %d reads: %w", jobID, read, ErrExportPending)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return nil, fmt.Errorf("clientdata: get contacts export %s: the deadline comes before the next read: %w", jobID, ErrExportPending)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("clientdata: get contacts export %s: %w", jobID, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, 4*time.Second)
	}
	return raw, nil
}

// ParseContactsCSV parses an export CSV: a header row naming the columns (identity
// columns matched case-insensitively, a UTF-8 byte order mark tolerated), then one row
// per contact. A malformed file or a row without a valid id wraps rest.ErrUnavailable:
// the backend answered something the client cannot use.
func ParseContactsCSV(raw []byte) ([]ExportedContact, error) {
	return ParseContactsCSVColumns(raw, DefaultExportColumns)
}

// ParseContactsCSVColumns is ParseContactsCSV with the identity columns named by cols.
func ParseContactsCSVColumns(raw []byte, cols ExportColumns) ([]ExportedContact, error) {
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
		case strings.EqualFold(h, cols.ID):
			idCol = i
		case strings.EqualFold(h, cols.UID):
			uidCol = i
		case strings.EqualFold(h, cols.Username):
			userCol = i
		}
	}
	if idCol < 0 {
		return nil, fmt.Errorf("parse export csv: no %q column (CLIENT_DATA_EXPORT_COLUMNS): %w", cols.ID, rest.ErrUnavailable)
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
