package cone

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The query builder: GET config/{entity} advertises fields and operators, POST
// filter/{entity} evaluates a react-querybuilder query over account, contact or lead.
//
// Conventions the seed leaves open, as the sandbox implements them:
//   - field paths are properties ("primaryEmail") or dotted relation paths ("contact.id",
//     "thirdPartyIds.thirdPartyId"); a collection path matches when any element does;
//   - value is a string; in/notIn lists and between bounds are comma-separated (a JSON
//     array is accepted too);
//   - string comparisons ignore case (a MySQL *_ci collation); ordering operators on
//     strings compare lexicographically, so `id > <uuid7>` walks records in creation order;
//   - a comparison with a null field is false, as in SQL;
//   - there is no limit, offset or sort in the body: all matches come back, in the
//     entity's default (creation) order.

// allOperators is QueryBuilderRule.operator's enum, in the seed's order.
var allOperators = []string{"=", "!=", ">", ">=", "<", "<=", "contains", "doesNotContain", "beginsWith",
	"doesNotBeginWith", "endsWith", "doesNotEndWith", "null", "notNull", "in", "notIn", "between", "notBetween"}

// operatorsByType: which operators a field type supports (Filter.type enum values).
var operatorsByType = map[string][]string{
	"string":   allOperators,
	"number":   {"=", "!=", ">", ">=", "<", "<=", "null", "notNull", "in", "notIn", "between", "notBetween"},
	"boolean":  {"=", "!=", "null", "notNull"},
	"datetime": {"=", "!=", ">", ">=", "<", "<=", "null", "notNull", "between", "notBetween"},
}

type fieldDef struct {
	name, typ string
	get       func(rec any) []string // no values: null
}

// entityDef describes one query-builder entity over the store.
type entityDef struct {
	fields []fieldDef
	byName map[string]*fieldDef
	order  func(st *store) []string
	lookup func(st *store, id string) (rec any, pos int)
	// index maps a field to an exact-value lookup (for = and in); "id" always has one.
	index  map[string]func(st *store, value string) []string
	render func(st *store, rec any) any
}

func strs(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func refs(r *refJSON) []string {
	if r == nil {
		return nil
	}
	return strs(r.ID)
}

func times(t *time.Time) []string {
	if t == nil {
		return nil
	}
	return []string{t.UTC().Format(time.RFC3339)}
}

func bools(b bool) []string { return []string{strconv.FormatBool(b)} }

func boolp(b *bool) []string {
	if b == nil {
		return nil
	}
	return bools(*b)
}

func ints(n int) []string { return []string{strconv.Itoa(n)} }

func intp(n *int) []string {
	if n == nil {
		return nil
	}
	return ints(*n)
}

func customerFields(base func(any) *customerJSON) []fieldDef {
	s := func(name string, f func(c *customerJSON) string) fieldDef {
		return fieldDef{name, "string", func(r any) []string { return strs(f(base(r))) }}
	}
	return []fieldDef{
		s("id", func(c *customerJSON) string { return c.ID }),
		s("primaryEmail", func(c *customerJSON) string { return c.PrimaryEmail }),
		s("secondaryEmail", func(c *customerJSON) string { return c.SecondaryEmail }),
		s("homePhone", func(c *customerJSON) string { return c.HomePhone }),
		s("workPhone", func(c *customerJSON) string { return c.WorkPhone }),
		s("mobilePhone", func(c *customerJSON) string { return c.MobilePhone }),
		s("address", func(c *customerJSON) string { return c.Address }),
		s("city", func(c *customerJSON) string { return c.City }),
		s("province", func(c *customerJSON) string { return c.Province }),
		s("postalCode", func(c *customerJSON) string { return c.PostalCode }),
		s("country", func(c *customerJSON) string { return c.Country }),
		s("language", func(c *customerJSON) string { return c.Language }),
		{"isActive", "boolean", func(r any) []string { return bools(base(r).IsActive) }},
		{"thirdPartyIds.systemName", "string", func(r any) []string {
			var out []string
			for _, t := range base(r).ThirdPartyIDs {
				out = append(out, t.SystemName)
			}
			return out
		}},
		{"thirdPartyIds.thirdPartyId", "string", func(r any) []string {
			var out []string
			for _, t := range base(r).ThirdPartyIDs {
				out = append(out, t.ThirdPartyID)
			}
			return out
		}},
	}
}

func newEntities() map[string]*entityDef {
	acc := func(r any) *account { return r.(*account) }
	con := func(r any) *contact { return r.(*contact) }
	ld := func(r any) *lead { return r.(*lead) }
	ents := map[string]*entityDef{
		"account": {
			fields: append(customerFields(func(r any) *customerJSON { return &acc(r).base }),
				fieldDef{"name", "string", func(r any) []string { return strs(acc(r).name) }},
				fieldDef{"dateCreated", "datetime", func(r any) []string { return times(&acc(r).created) }},
				fieldDef{"primaryContact.id", "string", func(r any) []string { return strs(acc(r).primary) }},
				fieldDef{"contacts.id", "string", func(r any) []string { return acc(r).contacts }},
			),
			order: func(st *store) []string { return st.accountOrder },
			lookup: func(st *store, id string) (any, int) {
				if a := st.accounts[id]; a != nil {
					return a, a.pos
				}
				return nil, 0
			},
			index: map[string]func(*store, string) []string{
				"thirdPartyIds.thirdPartyId": func(st *store, v string) []string { return st.accountsByThirdParty[v] },
			},
			render: func(st *store, r any) any { return st.renderAccount(acc(r), true) },
		},
		"contact": {
			fields: append(customerFields(func(r any) *customerJSON { return &con(r).base }),
				fieldDef{"firstName", "string", func(r any) []string { return strs(con(r).firstName) }},
				fieldDef{"lastName", "string", func(r any) []string { return strs(con(r).lastName) }},
				fieldDef{"companyName", "string", func(r any) []string { return strs(con(r).companyName) }},
				fieldDef{"civility", "string", func(r any) []string { return strs(con(r).civility) }},
				fieldDef{"preferredMethodOfContact", "string", func(r any) []string { return strs(con(r).pmoc) }},
				fieldDef{"dateCreated", "datetime", func(r any) []string { return times(&con(r).created) }},
				fieldDef{"accounts.id", "string", func(r any) []string { return con(r).accounts }},
			),
			order: func(st *store) []string { return st.contactOrder },
			lookup: func(st *store, id string) (any, int) {
				if c := st.contacts[id]; c != nil {
					return c, c.pos
				}
				return nil, 0
			},
			index: map[string]func(*store, string) []string{
				"thirdPartyIds.thirdPartyId": func(st *store, v string) []string { return st.contactsByThirdParty[v] },
			},
			render: func(st *store, r any) any { return st.renderContact(con(r), true) },
		},
		"lead": {
			fields: []fieldDef{
				{"id", "string", func(r any) []string { return strs(ld(r).ID) }},
				{"subject", "string", func(r any) []string { return strs(ld(r).Subject) }},
				{"description", "string", func(r any) []string {
					if d := ld(r).Description; d != nil {
						return strs(*d)
					}
					return nil
				}},
				{"status.id", "string", func(r any) []string { return refs(ld(r).Status) }},
				{"source.id", "string", func(r any) []string { return refs(ld(r).Source) }},
				{"contact.id", "string", func(r any) []string { return refs(ld(r).Contact) }},
				{"account.id", "string", func(r any) []string { return refs(ld(r).Account) }},
				{"franchise.id", "string", func(r any) []string { return refs(ld(r).Franchise) }},
				{"stage.id", "string", func(r any) []string { return refs(ld(r).Stage) }},
				{"createdBy.id", "string", func(r any) []string { return refs(ld(r).CreatedBy) }},
				{"direction", "string", func(r any) []string { return strs(ld(r).Direction) }},
				{"category", "string", func(r any) []string {
					if c := ld(r).Category; c != nil {
						return strs(*c)
					}
					return nil
				}},
				{"isQualified", "boolean", func(r any) []string { return bools(ld(r).IsQualified) }},
				{"customerInitiated", "boolean", func(r any) []string { return bools(ld(r).CustomerInitiated) }},
				{"orderPlaced", "boolean", func(r any) []string { return boolp(ld(r).OrderPlaced) }},
				{"priority", "number", func(r any) []string { return intp(ld(r).Priority) }},
				{"visitCount", "number", func(r any) []string { return ints(ld(r).VisitCount) }},
				{"dateCreated", "datetime", func(r any) []string { return times(&ld(r).DateCreated) }},
				{"dateModified", "datetime", func(r any) []string { return times(ld(r).DateModified) }},
				{"dueDate", "datetime", func(r any) []string { return times(ld(r).DueDate) }},
				{"connectionClosedDate", "datetime", func(r any) []string { return times(ld(r).ConnectionClosedDate) }},
				{"lostDate", "datetime", func(r any) []string { return times(ld(r).LostDate) }},
				{"soldDate", "datetime", func(r any) []string { return times(ld(r).SoldDate) }},
				{"orderDate", "datetime", func(r any) []string { return times(ld(r).OrderDate) }},
				{"thirdPartyIds.systemName", "string", func(r any) []string {
					var out []string
					for _, t := range ld(r).ThirdPartyIDs {
						out = append(out, t.SystemName)
					}
					return out
				}},
				{"thirdPartyIds.thirdPartyId", "string", func(r any) []string {
					var out []string
					for _, t := range ld(r).ThirdPartyIDs {
						out = append(out, t.ThirdPartyID)
					}
					return out
				}},
			},
			order: func(st *store) []string { return st.leadOrder },
			lookup: func(st *store, id string) (any, int) {
				if l := st.leads[id]; l != nil {
					return l, l.pos
				}
				return nil, 0
			},
			index: map[string]func(*store, string) []string{
				"contact.id": func(st *store, v string) []string { return st.leadsByContact[v] },
				"account.id": func(st *store, v string) []string { return st.leadsByAccount[v] },
			},
			render: func(st *store, r any) any { return ld(r).leadJSON },
		},
	}
	for _, e := range ents {
		e.byName = map[string]*fieldDef{}
		for i := range e.fields {
			e.byName[e.fields[i].name] = &e.fields[i]
		}
		e.index["id"] = func(st *store, v string) []string {
			if rec, _ := e.lookup(st, v); rec != nil {
				return []string{v}
			}
			return nil
		}
	}
	return ents
}

// label turns a field path into a human label: "thirdPartyIds.systemName" → "Third party ids system name".
func label(path string) string {
	var b strings.Builder
	for i, r := range path {
		switch {
		case r == '.':
			b.WriteRune(' ')
		case unicode.IsUpper(r) && i > 0:
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

type configFieldJSON struct {
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	Type      string   `json:"type"`
	Operators []string `json:"operators"`
}

// GET /api/query-builder/config/{entity} → 200 {fields, operators}; 404 {error}.
func (s *Server) queryBuilderConfig(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("entity")
	e := s.entities[name]
	if e == nil {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: `Entity "` + name + `" not found`})
		return
	}
	out := struct {
		Fields    []configFieldJSON `json:"fields"`
		Operators []string          `json:"operators"`
	}{Operators: allOperators}
	for _, f := range e.fields {
		out.Fields = append(out.Fields, configFieldJSON{Name: f.name, Label: label(f.name), Type: f.typ, Operators: operatorsByType[f.typ]})
	}
	writeJSON(w, http.StatusOK, out)
}

// ruleInput is a QueryBuilderRule or QueryBuilderRuleGroup.
type ruleInput struct {
	ID          string          `json:"id"`
	Field       string          `json:"field"`
	Operator    string          `json:"operator"`
	ValueSource string          `json:"valueSource"`
	Value       json.RawMessage `json:"value"`
	Combinator  string          `json:"combinator"`
	Not         bool            `json:"not"`
	Rules       []ruleInput     `json:"rules"`
}

func (r *ruleInput) group() bool { return r.Combinator != "" || r.Rules != nil }

// listsAreArrays applies the alternative reading of in/notIn values (readings.go): a
// list is a JSON array, so a string is one value, commas and all.
func listsAreArrays(r *ruleInput) {
	for i := range r.Rules {
		listsAreArrays(&r.Rules[i])
	}
	if r.Operator != "in" && r.Operator != "notIn" {
		return
	}
	var one string
	if json.Unmarshal(r.Value, &one) == nil {
		r.Value, _ = json.Marshal([]string{one})
	}
}

type predicate func(rec any) bool

const maxRuleDepth = 10

// compile turns a rule (group) into a predicate, or explains why it is invalid.
func compile(e *entityDef, r *ruleInput, depth int) (predicate, error) {
	if depth > maxRuleDepth {
		return nil, fmt.Errorf("rule groups nest deeper than %d levels", maxRuleDepth)
	}
	if r.group() {
		return compileGroup(e, r, depth)
	}
	f := e.byName[r.Field]
	if f == nil {
		return nil, fmt.Errorf("unknown field %q", r.Field)
	}
	if !contains(operatorsByType[f.typ], r.Operator) {
		return nil, fmt.Errorf("operator %q is not supported for field %q", r.Operator, r.Field)
	}
	if r.ValueSource != "" && r.ValueSource != "value" {
		return nil, fmt.Errorf("valueSource %q is not supported", r.ValueSource)
	}
	single, list, err := ruleValues(r.Value)
	if err != nil {
		return nil, fmt.Errorf("field %q: %v", r.Field, err)
	}
	test, err := valueTest(f.typ, r.Operator, single, list)
	if err != nil {
		return nil, fmt.Errorf("field %q: %v", r.Field, err)
	}
	get := f.get
	return func(rec any) bool { return test(get(rec)) }, nil
}

func compileGroup(e *entityDef, r *ruleInput, depth int) (predicate, error) {
	comb := strings.ToLower(r.Combinator)
	if comb == "" {
		comb = "and"
	}
	if comb != "and" && comb != "or" {
		return nil, fmt.Errorf("unknown combinator %q", r.Combinator)
	}
	preds := make([]predicate, 0, len(r.Rules))
	for i := range r.Rules {
		p, err := compile(e, &r.Rules[i], depth+1)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	not := r.Not
	return func(rec any) bool {
		res := comb == "and"
		for _, p := range preds {
			if p(rec) != res {
				res = !res
				break
			}
		}
		return res != not
	}, nil
}

// ruleValues reads value: a string (the seed's type), or a JSON array/number/bool.
func ruleValues(raw json.RawMessage) (string, []string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		var list []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		return s, list, nil
	}
	var arr []any
	if err := json.Unmarshal(raw, &arr); err == nil {
		list := make([]string, 0, len(arr))
		for _, x := range arr {
			list = append(list, fmt.Sprint(x))
		}
		return strings.Join(list, ","), list, nil
	}
	var x any
	if err := json.Unmarshal(raw, &x); err == nil {
		switch x.(type) {
		case float64, bool:
			s := strings.TrimSpace(string(raw))
			return s, []string{s}, nil
		}
	}
	return "", nil, fmt.Errorf("value must be a string")
}

// valueTest builds the test of one rule over a field's values.
func valueTest(typ, op, single string, list []string) (func([]string) bool, error) {
	anyOf := func(vals []string, f func(string) bool) bool {
		for _, v := range vals {
			if f(v) {
				return true
			}
		}
		return false
	}
	none := func(vals []string, f func(string) bool) bool { return len(vals) > 0 && !anyOf(vals, f) }
	switch op {
	case "null":
		return func(v []string) bool { return len(v) == 0 }, nil
	case "notNull":
		return func(v []string) bool { return len(v) > 0 }, nil
	}
	cmp, err := comparer(typ)
	if err != nil {
		return nil, err
	}
	norm := func(s string) (string, error) { return cmp.norm(s) }
	switch op {
	case "=", "!=", ">", ">=", "<", "<=":
		want, err := norm(single)
		if err != nil {
			return nil, err
		}
		ok := map[string]func(int) bool{"=": func(c int) bool { return c == 0 }, "!=": func(c int) bool { return c == 0 },
			">": func(c int) bool { return c > 0 }, ">=": func(c int) bool { return c >= 0 },
			"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 }}[op]
		f := func(v string) bool { return ok(cmp.compare(v, want)) }
		if op == "!=" {
			return func(v []string) bool { return none(v, f) }, nil
		}
		return func(v []string) bool { return anyOf(v, f) }, nil
	case "in", "notIn":
		if len(list) == 0 {
			return nil, fmt.Errorf("operator %q needs at least one value", op)
		}
		set := make(map[string]bool, len(list))
		for _, s := range list {
			n, err := norm(s)
			if err != nil {
				return nil, err
			}
			set[n] = true
		}
		f := func(v string) bool { n, err := norm(v); return err == nil && set[n] }
		if op == "notIn" {
			return func(v []string) bool { return none(v, f) }, nil
		}
		return func(v []string) bool { return anyOf(v, f) }, nil
	case "between", "notBetween":
		if len(list) != 2 {
			return nil, fmt.Errorf("operator %q needs two comma-separated values", op)
		}
		lo, err1 := norm(list[0])
		hi, err2 := norm(list[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("invalid bounds %q", single)
		}
		f := func(v string) bool { return cmp.compare(v, lo) >= 0 && cmp.compare(v, hi) <= 0 }
		if op == "notBetween" {
			return func(v []string) bool { return none(v, f) }, nil
		}
		return func(v []string) bool { return anyOf(v, f) }, nil
	}
	if typ != "string" {
		return nil, fmt.Errorf("operator %q needs a string field", op)
	}
	want := strings.ToLower(single)
	var f func(string) bool
	neg := strings.HasPrefix(op, "doesNot")
	switch op {
	case "contains", "doesNotContain":
		f = func(v string) bool { return strings.Contains(strings.ToLower(v), want) }
	case "beginsWith", "doesNotBeginWith":
		f = func(v string) bool { return strings.HasPrefix(strings.ToLower(v), want) }
	case "endsWith", "doesNotEndWith":
		f = func(v string) bool { return strings.HasSuffix(strings.ToLower(v), want) }
	default:
		return nil, fmt.Errorf("unknown operator %q", op)
	}
	if neg {
		return func(v []string) bool { return none(v, f) }, nil
	}
	return func(v []string) bool { return anyOf(v, f) }, nil
}

type comparator struct {
	norm    func(string) (string, error)
	compare func(recordValue, normalizedWant string) int
}

func comparer(typ string) (comparator, error) {
	switch typ {
	case "string":
		return comparator{
			norm:    func(s string) (string, error) { return strings.ToLower(s), nil },
			compare: func(v, w string) int { return strings.Compare(strings.ToLower(v), w) },
		}, nil
	case "number":
		parse := func(s string) (string, error) {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return "", fmt.Errorf("%q is not a number", s)
			}
			return strconv.FormatFloat(f, 'g', -1, 64), nil
		}
		return comparator{norm: parse, compare: func(v, w string) int {
			a, _ := strconv.ParseFloat(v, 64)
			b, _ := strconv.ParseFloat(w, 64)
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}}, nil
	case "boolean":
		return comparator{norm: func(s string) (string, error) {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "true", "1":
				return "true", nil
			case "false", "0":
				return "false", nil
			}
			return "", fmt.Errorf("%q is not a boolean", s)
		}, compare: strings.Compare}, nil
	case "datetime":
		return comparator{norm: func(s string) (string, error) {
			s = strings.TrimSpace(s)
			for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
				if t, err := time.Parse(layout, s); err == nil {
					return t.UTC().Format(time.RFC3339), nil
				}
			}
			return "", fmt.Errorf("%q is not a date-time", s)
		}, compare: strings.Compare}, nil
	}
	return comparator{}, fmt.Errorf("unsupported field type %q", typ)
}

// candidates narrows a top-level "and" query with an indexed = or in rule to the ids
// that rule names, so by-id batches cost O(ids) rather than a scan.
func candidates(st *store, e *entityDef, q *ruleInput) ([]string, bool) {
	if q.Not || (q.Combinator != "" && !strings.EqualFold(q.Combinator, "and")) {
		return nil, false
	}
	for i := range q.Rules {
		r := &q.Rules[i]
		lookup := e.index[r.Field]
		if r.group() || lookup == nil || (r.Operator != "=" && r.Operator != "in") {
			continue
		}
		single, list, err := ruleValues(r.Value)
		if err != nil {
			return nil, false
		}
		if r.Operator == "=" {
			list = []string{single}
		}
		var ids []string
		for _, v := range list {
			ids = append(ids, lookup(st, v)...)
		}
		return ids, true
	}
	return nil, false
}

// POST /api/query-builder/filter/{entity} → 200 {success, data}; 400 {error} for a bad
// body or rule; 404 {error} for an unknown entity.
func (s *Server) queryBuilderFilter(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("entity")
	e := s.entities[name]
	if e == nil {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: `Entity "` + name + `" not found`})
		return
	}
	var body struct {
		Query *ruleInput `json:"query"`
	}
	if err := decodeBody(r, &body); err != nil || body.Query == nil {
		writeJSON(w, http.StatusBadRequest, errorJSON{Error: "Invalid request: a JSON body {\"query\": {...}} is required"})
		return
	}
	if body.Query.Rules == nil {
		body.Query.Rules = []ruleInput{}
	}
	if s.alt.Load() {
		listsAreArrays(body.Query)
	}
	pred, err := compile(e, body.Query, 0)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorJSON{Error: "Invalid query: " + err.Error()})
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	type hit struct {
		rec any
		pos int
	}
	var hits []hit
	ids, narrowed := candidates(st, e, body.Query)
	if !narrowed {
		ids = e.order(st)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if rec, pos := e.lookup(st, id); rec != nil && pred(rec) {
			hits = append(hits, hit{rec, pos})
		}
	}
	if narrowed {
		sort.Slice(hits, func(i, j int) bool { return hits[i].pos < hits[j].pos })
	}
	data := make([]any, 0, len(hits))
	for _, h := range hits {
		data = append(data, e.render(st, h.rec))
	}
	writeJSON(w, http.StatusOK, struct {
		Success bool  `json:"success"`
		Data    []any `json:"data"`
	}{true, data})
}
