package cone

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

type idInput struct {
	ID string `json:"id"`
}

// leadCreateInput is LeadCreateRequest as the sandbox reads it.
type leadCreateInput struct {
	Subject                  string    `json:"subject"`
	Department               *idInput  `json:"department"`
	Contact                  *idInput  `json:"contact"`
	Account                  *idInput  `json:"account"`
	Assignees                []idInput `json:"assignees"`
	Description              *string   `json:"description"`
	Source                   *idInput  `json:"source"`
	Category                 *string   `json:"category"`
	CustomerInitiated        bool      `json:"customerInitiated"`
	LeadHandlingInstructions *string   `json:"leadHandlingInstructions"`
	Franchise                *idInput  `json:"franchise"`
	YearStr                  *string   `json:"yearStr"`
}

const formMessage = "Invalid data provided or form validation failed"

// badForm writes the lead endpoints' 400: {errors: {field: message}, message}.
func badForm(w http.ResponseWriter, errs map[string]string) {
	writeJSON(w, http.StatusBadRequest, formErrorJSON{Errors: errs, Message: formMessage})
}

func blankRef(r *idInput) bool { return r == nil || strings.TrimSpace(r.ID) == "" }

// POST /api/lead → 200 Lead; 400 {errors, message}.
func (s *Server) createLead(w http.ResponseWriter, r *http.Request) {
	var in leadCreateInput
	if err := decodeBody(r, &in); err != nil {
		badForm(w, map[string]string{"body": "Invalid JSON."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	errs := map[string]string{}
	const blank = "This value should not be blank."
	if strings.TrimSpace(in.Subject) == "" {
		errs["subject"] = blank
	}
	for field, ref := range map[string]*idInput{"department": in.Department, "source": in.Source, "franchise": in.Franchise, "contact": in.Contact} {
		if blankRef(ref) {
			errs[field] = blank
		}
	}
	if !blankRef(in.Contact) && st.contacts[in.Contact.ID] == nil {
		errs["contact"] = "This value is not valid."
	}
	if !blankRef(in.Account) && st.accounts[in.Account.ID] == nil {
		errs["account"] = "This value is not valid."
	}
	if in.YearStr != nil && utf8.RuneCountInString(*in.YearStr) > 4 { // characters, as for the province
		errs["yearStr"] = "This value is too long. It should have 4 characters or less."
	}
	for _, a := range in.Assignees {
		if _, ok := st.users[a.ID]; !ok {
			errs["assignees"] = "This value is not valid."
		}
	}
	if len(errs) > 0 {
		badForm(w, errs)
		return
	}
	id, at := st.nextID("lead")
	creator := st.userID(0)
	if len(in.Assignees) > 0 {
		creator = in.Assignees[0].ID
	}
	l := &lead{leadJSON: leadJSON{
		baseRecordJSON:           baseRecordJSON{ID: id, DateCreated: at, CreatedBy: ref(creator), DType: "lead"},
		Subject:                  in.Subject,
		Description:              in.Description,
		Status:                   ref(st.w.UUID("cone-status", statusOpen)),
		Source:                   ref(in.Source.ID),
		Contact:                  ref(in.Contact.ID),
		Franchise:                ref(in.Franchise.ID),
		Stage:                    ref(st.stageOrder[0]),
		Direction:                "INBOUND",
		Category:                 in.Category,
		CustomerInitiated:        in.CustomerInitiated,
		LeadHandlingInstructions: in.LeadHandlingInstructions,
		ThirdPartyIDs:            []thirdPartyJSON{},
		CreditAssessments:        []refJSON{}, Incentives: []refJSON{}, Packages: []refJSON{}, Surveys: []refJSON{},
	}}
	if !blankRef(in.Account) {
		l.Account = ref(in.Account.ID)
	}
	st.addLead(l)
	writeJSON(w, http.StatusOK, l.leadJSON)
}

// copyLeadInput is CopyLeadData: contact is a full Contact (only its id is used).
type copyLeadInput struct {
	Contact    *idInput `json:"contact"`
	Account    *idInput `json:"account"`
	Subject    *string  `json:"subject"`
	Department *idInput `json:"department"`
	Franchise  *idInput `json:"franchise"`
}

// POST /api/lead/{lead}/copy → 200 Lead; 400 {errors, message}; 404 {error}.
// Subject and franchise default to the original's; the account is the given one or
// none (the original account belongs to the original contact).
func (s *Server) copyLead(w http.ResponseWriter, r *http.Request) {
	var in copyLeadInput
	if err := decodeBody(r, &in); err != nil {
		badForm(w, map[string]string{"body": "Invalid JSON."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	orig := st.leads[r.PathValue("lead")]
	if orig == nil {
		notFound(w, "Lead")
		return
	}
	errs := map[string]string{}
	switch {
	case blankRef(in.Contact):
		errs["contact"] = "This value should not be blank."
	case st.contacts[in.Contact.ID] == nil:
		errs["contact"] = "This value is not valid."
	}
	if !blankRef(in.Account) && st.accounts[in.Account.ID] == nil {
		errs["account"] = "This value is not valid."
	}
	if len(errs) > 0 {
		badForm(w, errs)
		return
	}
	id, at := st.nextID("lead")
	l := &lead{leadJSON: orig.leadJSON}
	l.baseRecordJSON = baseRecordJSON{ID: id, DateCreated: at, CreatedBy: orig.CreatedBy, DType: "lead"}
	l.Contact, l.Account = ref(in.Contact.ID), nil
	if !blankRef(in.Account) {
		l.Account = ref(in.Account.ID)
	}
	if in.Subject != nil {
		l.Subject = *in.Subject
	}
	if !blankRef(in.Franchise) {
		l.Franchise = ref(in.Franchise.ID)
	}
	// A copy starts open, at the first stage.
	l.Status, l.Stage = ref(st.w.UUID("cone-status", statusOpen)), ref(st.stageOrder[0])
	l.ConnectionClosedDate, l.ConnectionClosedBy, l.LostDate, l.LostBy, l.IsLostApproved = nil, nil, nil, nil, nil
	l.SoldDate, l.SoldBy, l.OrderPlaced, l.OrderDate = nil, nil, nil, nil
	l.ThirdPartyIDs = []thirdPartyJSON{}
	st.addLead(l)
	writeJSON(w, http.StatusOK, l.leadJSON)
}
