package resolvers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"crmgraph/backends/clientdata"
	"crmgraph/graph/model"
)

// Mapping of client-data wire records onto the unified model.

// DefaultChangeRequestCodes maps client-data status ids to the unified codes.
var DefaultChangeRequestCodes = map[int32]model.ChangeRequestStatusCode{
	clientdata.StatusPending:   model.ChangeRequestStatusCodePending,
	clientdata.StatusApproved:  model.ChangeRequestStatusCodeApproved,
	clientdata.StatusRejected:  model.ChangeRequestStatusCodeRejected,
	clientdata.StatusCancelled: model.ChangeRequestStatusCodeCancelled,
}

// DefaultClientDataPaths are the sandbox's schema paths.
var DefaultClientDataPaths = ClientDataPaths{
	FirstName: "personalInformation.firstName", LastName: "personalInformation.lastName",
	DisplayName: "personalInformation.displayName", Email: "communicationMeans.primaryEmail",
	Phone: "communicationMeans.primaryPhoneNumber", Mobile: "communicationMeans.mobilePhoneNumber",
	Title: "employment.jobTitle", Company: "employment.companyName", Language: "personalInformation.language",
	Street: "addresses.primaryAddress.street", PostalCode: "addresses.primaryAddress.postalCode",
	City: "addresses.primaryAddress.city", Country: "addresses.primaryAddress.country",
}

// ClientDataPaths says where the unified Contact fields live in the schema-driven
// client-data details tree. The defaults match the sandbox's contact schema; a real
// tenant's schema may differ (it is configuration, not code).
type ClientDataPaths struct {
	FirstName, LastName, DisplayName, Email, Phone, Mobile, Title, Company, Language string
	Street, PostalCode, City, Country                                                string
}

// detailString reads a dotted path from a details tree.
func detailString(d map[string]any, path string) *string {
	if path == "" || d == nil {
		return nil
	}
	var cur any = d
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	switch v := cur.(type) {
	case string:
		return str(v)
	case float64:
		return str(strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		return str(strconv.FormatBool(v))
	}
	return nil
}

func cdContactFromDetails(id int32, details map[string]any, paths ClientDataPaths) *model.Contact {
	sid := strconv.Itoa(int(id))
	m := &model.Contact{
		ID: model.GlobalID("Contact", model.SourceClientData, sid), Source: model.SourceClientData, SourceID: sid,
		FirstName: detailString(details, paths.FirstName), LastName: detailString(details, paths.LastName),
		Name: detailString(details, paths.DisplayName), Email: detailString(details, paths.Email),
		Phone: detailString(details, paths.Phone), Mobile: detailString(details, paths.Mobile),
		Title: detailString(details, paths.Title), CompanyName: detailString(details, paths.Company),
		Language: detailString(details, paths.Language),
	}
	if m.Name == nil && (m.FirstName != nil || m.LastName != nil) {
		m.Name = str(strings.TrimSpace(deref(m.FirstName) + " " + deref(m.LastName)))
	}
	street, pc, city, country := detailString(details, paths.Street), detailString(details, paths.PostalCode),
		detailString(details, paths.City), detailString(details, paths.Country)
	if street != nil || pc != nil || city != nil || country != nil {
		m.Address = &model.Address{Kind: "main", Street: street, PostalCode: pc, City: city, Country: country}
	}
	if details != nil {
		if b, err := json.Marshal(details); err == nil {
			m.Details = b
		}
	}
	return m
}

func cdContact(d *clientdata.ContactDetails, paths ClientDataPaths) *model.Contact {
	return cdContactFromDetails(d.ID, d.Details, paths)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// cdContactRef is the partial contact a change request names.
func cdContactRef(ref clientdata.ContactRef) *model.Contact {
	sid := strconv.Itoa(int(ref.ID))
	return &model.Contact{ID: model.GlobalID("Contact", model.SourceClientData, sid), Source: model.SourceClientData,
		SourceID: sid, Name: str(ref.Name), UID: ref.UID, Partial: true}
}

func crGlobal(contact, id int32) (string, string) {
	sid := strconv.Itoa(int(contact)) + "/" + strconv.Itoa(int(id))
	return model.GlobalID("ChangeRequest", model.SourceClientData, sid), sid
}

func cdChangeRequest(x *clientdata.ChangeRequest) *model.ChangeRequest {
	gid, sid := crGlobal(x.Contact.ID, x.ID)
	m := &model.ChangeRequest{ID: gid, Source: model.SourceClientData, SourceID: sid, UID: str(x.UID),
		CreatedAt: utc(&x.CreateDate), InitiatorComment: x.InitiatorComment, ReviewedAt: utc(x.ReviewDate),
		ReviewComment: x.ReviewComment, ContactID: x.Contact.ID, StatusID: x.Status.ID, ContactRef: cdContactRef(x.Contact),
		Changes: make([]*model.FieldChange, len(x.Details))}
	if x.InitiatorMember != nil {
		m.Initiator = &model.Member{UID: x.InitiatorMember.UID, Name: str(x.InitiatorMember.Name)}
	}
	if x.ReviewMember != nil {
		m.Reviewer = &model.Member{UID: x.ReviewMember.UID, Name: str(x.ReviewMember.Name)}
	}
	for i, d := range x.Details {
		m.Changes[i] = &model.FieldChange{Path: d.Path, OriginalValue: str(d.OriginalValue), TargetValue: str(d.TargetValue),
			ApprovalRequired: d.IsApprovalRequired}
	}
	return m
}

func cdChangeRequestSummary(x *clientdata.ChangeRequestSummary) *model.ChangeRequest {
	gid, sid := crGlobal(x.Contact.ID, x.ID)
	m := &model.ChangeRequest{ID: gid, Source: model.SourceClientData, SourceID: sid, CreatedAt: utc(&x.CreateDate),
		ReviewedAt: utc(x.ReviewDate), ContactID: x.Contact.ID, StatusID: x.Status.ID, ContactRef: cdContactRef(x.Contact),
		Partial: true}
	if x.InitiatorMember != nil {
		m.Initiator = &model.Member{UID: x.InitiatorMember.UID, Name: str(x.InitiatorMember.Name)}
	}
	if x.ReviewMember != nil {
		m.Reviewer = &model.Member{UID: x.ReviewMember.UID, Name: str(x.ReviewMember.Name)}
	}
	return m
}

// statusUnknown stands for the status id of a change request known only from the
// pending check, which names no status. Client-data ids are positive (the sandbox
// numbers statuses from 1), so no real status has it.
const statusUnknown int32 = -1

// cdPendingChangeRequest maps the pending check of contact (nil when none is pending).
// The request is pending by the check's definition (seed 004 L88: "Checks if a pending
// change request exists"), so its status id is the one id CLIENT_DATA_STATUS_CODES maps
// to PENDING; with none or several, the full record says which.
func (r *Resolver) cdPendingChangeRequest(contact int32, x *clientdata.PendingCheck) *model.ChangeRequest {
	if !x.HasPendingChangeRequest || x.ChangeRequest == nil {
		return nil
	}
	p := x.ChangeRequest
	gid, sid := crGlobal(contact, p.ID)
	status := statusUnknown
	if ids := r.statusIDs([]model.ChangeRequestStatusCode{model.ChangeRequestStatusCodePending}); len(ids) == 1 {
		for id := range ids {
			status = id
		}
	}
	return &model.ChangeRequest{ID: gid, Source: model.SourceClientData, SourceID: sid, CreatedAt: utc(&p.CreatedDate),
		Initiator: &model.Member{UID: p.InitiatorMember.UID, Name: str(p.InitiatorMember.Name)},
		ContactID: contact, StatusID: status, Partial: true}
}

// cdExportedContact maps an export row (columns are detail paths) onto a Contact.
func cdExportedContact(x *clientdata.ExportedContact, paths ClientDataPaths) *model.Contact {
	details := map[string]any{}
	for path, v := range x.Fields {
		if v == "" {
			continue
		}
		cur := details
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		cur[parts[len(parts)-1]] = v
	}
	m := cdContactFromDetails(x.ID, details, paths)
	m.UID = x.UID
	m.Username = str(x.Username)
	m.Details = nil // the export holds only exportable attributes: details loads the full tree
	return m
}

// ParseChangeRequestCodes reads "id=CODE,…" (e.g. "1=PENDING,2=APPROVED"); "" keeps the
// sandbox's numbering.
func ParseChangeRequestCodes(spec string) (map[int32]model.ChangeRequestStatusCode, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	out := map[int32]model.ChangeRequestStatusCode{}
	for _, part := range strings.Split(spec, ",") {
		id, code, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 32)
		c := model.ChangeRequestStatusCode(strings.TrimSpace(code))
		if !ok || err != nil || !c.IsValid() {
			return nil, fmt.Errorf("want id=CODE pairs with codes %v, got %q", model.AllChangeRequestStatusCode, part)
		}
		out[int32(n)] = c
	}
	return out, nil
}

// ParseClientDataPaths reads "field=dotted.path,…" over the defaults, e.g.
// "email=contactChannels.email,firstName=person.givenName".
func ParseClientDataPaths(spec string) (*ClientDataPaths, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	p := DefaultClientDataPaths
	fields := map[string]*string{"firstName": &p.FirstName, "lastName": &p.LastName, "displayName": &p.DisplayName,
		"email": &p.Email, "phone": &p.Phone, "mobile": &p.Mobile, "title": &p.Title, "company": &p.Company,
		"language": &p.Language, "street": &p.Street, "postalCode": &p.PostalCode, "city": &p.City, "country": &p.Country}
	for _, part := range strings.Split(spec, ",") {
		name, path, ok := strings.Cut(strings.TrimSpace(part), "=")
		dst, known := fields[strings.TrimSpace(name)]
		if !ok || !known || strings.TrimSpace(path) == "" {
			return nil, fmt.Errorf("want field=path pairs (fields firstName, lastName, displayName, email, phone, mobile, title, company, language, street, postalCode, city, country), got %q", part)
		}
		*dst = strings.TrimSpace(path)
	}
	return &p, nil
}
