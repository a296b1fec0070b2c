package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// The differential test of the whole graph. For a sample of records of every Node type
// and source, every field read through every path that reaches the record (root list,
// node, nodes, every edge of the schema leading to the type, embedded data) must equal
// node(id) with the full selection, and node(id) must equal the backend's own record
// read straight from the sandbox (differential_backends_test.go). Selections and edges
// come from the schema (selections_test.go), so a new field or edge is compared without
// anyone listing it; what a source does not have is declared below with its reason, and
// must then be null. Lists must keep one order whatever the selection.

// typeSource names the records of one Node type from one source ("Account/CONE").
type typeSource struct{ typ, source string }

func (k typeSource) String() string { return k.typ + "/" + k.source }

// unavailable lists, per type and source, the fields that source has no data for (the
// seed has no such property, or the schema documents the edge as null there), with why.
var unavailable = map[typeSource]map[string]string{
	// Reference items share the NamedItem fields; each Cirrus list has only some.
	{"LostReason", "CIRRUS"}:        {"isDefault": "Cirrus reasons have no default flag (id, name, sortorder)"},
	{"WinReason", "CIRRUS"}:         {"isDefault": "Cirrus reasons have no default flag (id, name, sortorder)"},
	{"OpportunitySource", "CIRRUS"}: {"sortOrder": "Cirrus sources have no sortorder (id, name, default)"},
	{"LeadSource", "CIRRUS"}:        {"sortOrder": "Cirrus sources have no sortorder (id, name, default)"},
	{"DeliveryType", "CIRRUS"}:      {"sortOrder": "Cirrus delivery types have no sortorder (id, name, default)"},
	{"Account", "CIRRUS"}: {
		"secondaryEmail": "Cirrus accounts have one email",
		"language":       "Cirrus accounts have no language",
	},
	{"Account", "CONE"}: {
		"altName": "ConeCRM accounts have no alt name", "number": "ConeCRM accounts have no number",
		"fax": "ConeCRM accounts have no fax", "website": "ConeCRM accounts have no website",
		"vatNumber": "ConeCRM accounts have no VAT number", "info": "ConeCRM accounts have no info text",
		"externalKey": "ConeCRM keeps external keys as thirdPartyIds (see externalIds), not one raw key",
		"type":        "ConeCRM accounts have no type", "owner": "ConeCRM accounts have no owner (seed: no owner field)",
		"parent": "ConeCRM accounts have no parent", "opportunities": "Cirrus only (schema)", "orders": "Cirrus only (schema)",
	},
	{"Contact", "CIRRUS"}: withClientDataOnly(map[string]string{
		"language": "Cirrus contacts have no language", "leads": "ConeCRM only (schema)",
	}),
	{"Contact", "CONE"}: withClientDataOnly(map[string]string{
		"title": "ConeCRM contacts have no title (civility is a salutation)", "primary": "Cirrus only (schema)",
		"externalKey":   "ConeCRM keeps external keys as thirdPartyIds (see externalIds), not one raw key",
		"opportunities": "Cirrus only (schema)", "orders": "Cirrus only (schema)",
	}),
	{"Contact", "CLIENT_DATA"}: {
		"active": "client-data contacts have no active flag", "primary": "Cirrus only (schema)",
		"externalKey": "client-data keeps external connections (see externalIds), not one raw key",
		"account":     "client-data contacts belong to no account", "accounts": "client-data contacts belong to no account",
		"opportunities": "Cirrus only (schema)", "orders": "Cirrus only (schema)", "leads": "ConeCRM only (schema)",
	},
	{"Lead", "CIRRUS"}: {
		"stage": "ConeCRM pipeline stage (schema)", "category": "Cirrus leads have no category",
		"qualified": "Cirrus leads have no qualified flag", "open": "Cirrus leads have no open/closed state",
		"dueDate": "Cirrus leads have no due date",
		"contact": "a Cirrus lead has no contact or account (seed: flat prospect fields)",
		"account": "a Cirrus lead has no contact or account (seed: flat prospect fields)",
	},
	{"Lead", "CONE"}: {
		"status":     "ConeCRM has no status endpoint: statusId (schema)",
		"leadSource": "ConeCRM has no source endpoint: leadSourceId (schema)",
		"value":      "ConeCRM leads have no value", "rating": "ConeCRM leads have no rating",
		"prospect": "ConeCRM leads name a contact instead (schema: Cirrus flat prospect fields)",
	},
	{"User", "CIRRUS"}: {},
	{"User", "CONE"}: {
		"name": "ConeCRM has no user endpoint: a user is its id", "firstName": "ConeCRM has no user endpoint",
		"lastName": "ConeCRM has no user endpoint", "title": "ConeCRM has no user endpoint",
		"email": "ConeCRM has no user endpoint", "phone": "ConeCRM has no user endpoint",
		"mobile": "ConeCRM has no user endpoint", "active": "ConeCRM has no user endpoint",
	},
}

// withClientDataOnly adds the Contact fields the schema documents as client-data only.
func withClientDataOnly(m map[string]string) map[string]string {
	for _, f := range []string{"username", "details", "changeRequests", "pendingChangeRequest", "supportCustomer"} {
		m[f] = "client-data only (schema)"
	}
	return m
}

// excluded are fields left out of every comparison, with why.
var excluded = map[typeSource]map[string]string{
	{"SupportCustomer", "SUPPORT"}: {"phones": "Apideck phones are another change's (reads of phone_numbers are being reworked)"},
}

// sandboxLeavesEmpty lists fields a source has but the sandbox's generated data never
// fills (a record written by another test may), so the samples need not show a value;
// they are still compared wherever they are read.
var sandboxLeavesEmpty = map[typeSource]map[string]string{
	{"Account", "CIRRUS"}: {"altName": "alt_name", "mobile": "cellphone", "fax": "fax", "info": "info"},
	{"Account", "CONE"}:   {"secondaryEmail": "secondaryEmail", "mobile": "mobilePhone"},
}

// neverFilled lists value-object fields the sandbox data leaves empty although a source
// has them.
var neverFilled = map[string]string{
	"Address.careOf":   "the Cirrus sandbox renders careof null",
	"Address.province": "the sandboxes fill no ConeCRM province or Apideck state",
}

// rootLists read the records of each Node type and source; samples take the first few.
var rootLists = map[typeSource][]string{
	{"Account", "CIRRUS"}:            {`accounts(first: %d, filter: {sources: [CIRRUS]})`},
	{"Account", "CONE"}:              {`accounts(first: %d, filter: {sources: [CONE]})`},
	{"Contact", "CIRRUS"}:            {`contacts(first: %d, filter: {sources: [CIRRUS]})`},
	{"Contact", "CONE"}:              {`contacts(first: %d, filter: {sources: [CONE]})`},
	{"Contact", "CLIENT_DATA"}:       {`contacts(first: %d, filter: {sources: [CLIENT_DATA]})`},
	{"Opportunity", "CIRRUS"}:        {`opportunities(first: %d)`, `opportunities(first: %d, filter: {closed: true})`},
	{"Order", "CIRRUS"}:              {`orders(first: %d)`},
	{"Lead", "CIRRUS"}:               {`leads(first: %d, filter: {sources: [CIRRUS]})`},
	{"Lead", "CONE"}:                 {`leads(first: %d, filter: {sources: [CONE]})`},
	{"ChangeRequest", "CLIENT_DATA"}: {`changeRequests(first: %d)`, `changeRequests(first: %d, filter: {status: [APPROVED, REJECTED]})`},
	{"SupportCustomer", "SUPPORT"}:   {`supportCustomers(first: %d)`},
}

// The sample sizes: a few parents per path, a few more records per root list, and a
// few of the records those lead to.
const (
	parentsPerPath = 3
	rootSample     = 4
	hopSample      = 4
)

// edgeIDs returns the ids an edge value names: an object, a list or a connection.
func edgeIDs(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, edgeIDs(e)...)
		}
		return out
	case map[string]any:
		if id, ok := x["id"].(string); ok {
			return []string{id}
		}
		return connectionIDs(x)
	}
	return nil
}

// differential is one run: its gateway, the records it has read by id, and figures.
type differential struct {
	t   *testing.T
	srv *httptest.Server
	// canonical holds node(id) with the full selection, by global id.
	canonical map[string]map[string]any
	// reached counts, per record, the paths that reached it.
	reached map[string]map[string]bool
	// compared counts field comparisons by kind.
	compared map[string]int
	queries  int
}

func (d *differential) run(q string, vars map[string]any) map[string]any {
	d.t.Helper()
	d.queries++
	r := post(d.t, d.srv, request{Query: q, Variables: vars})
	if len(r.Errors) > 0 {
		d.t.Fatalf("errors: %s\nquery: %s", r.raw, q)
	}
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		d.t.Fatal(err)
	}
	return data
}

// recordKey reads the type and source of a global id ("Account:CIRRUS:12").
func recordKey(t testing.TB, id string) (typeSource, string) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		t.Fatalf("global id %q: %v", id, err)
	}
	parts := strings.SplitN(string(b), ":", 3)
	if len(parts) != 3 {
		t.Fatalf("global id %q decodes to %q", id, b)
	}
	return typeSource{parts[0], parts[1]}, parts[2]
}

// variant is one selection a path is read with: the full selection, or one field.
type variant struct {
	name   string
	fields []selField
}

func (v variant) text(typ string) string {
	parts := []string{targetMark + ": __typename", "id"}
	for _, f := range v.fields {
		parts = append(parts, f.text)
	}
	return strings.Join(parts, " ")
}

// comparable reports whether a field takes part in the comparisons for records of k.
func comparableField(k typeSource, f string) bool {
	_, ex := excluded[k][f]
	return !ex
}

// variants are the full selection and every field on its own.
func variants(t *testing.T, typ string) []variant {
	fs := fieldsOf(t, typ)
	out := []variant{{name: "full", fields: fs}}
	for _, f := range fs {
		if f.name == "id" {
			continue
		}
		out = append(out, variant{name: f.name, fields: []selField{f}})
	}
	return out
}

// fewVariants are the full selection, its leaves alone and its other fields alone:
// enough to see a list's order not depend on the selection.
func fewVariants(t *testing.T, typ string) []variant {
	fs := fieldsOf(t, typ)
	var leaves, others []selField
	for _, f := range fs {
		if f.kind == leafField {
			leaves = append(leaves, f)
		} else {
			others = append(others, f)
		}
	}
	return []variant{{name: "full", fields: fs}, {name: "leaves", fields: leaves}, {name: "objects", fields: others}}
}

// edge is how a path reaches its target records.
type edge struct {
	field string // with arguments, e.g. `contacts(first: 5)`
	conn  bool   // a connection: the records are under edges { node }
	frag  bool   // an interface (node, nodes): select through `... on T`
}

func (e edge) read(alias, typ, sel string) string {
	inner := sel
	if e.frag {
		inner = "... on " + typ + " { " + sel + " }"
	}
	if e.conn {
		inner = "edges { node { " + inner + " } } pageInfo { hasNextPage endCursor }"
	}
	return alias + ": " + e.field + " { " + inner + " }"
}

// path reaches records of typ: outer is a query with one %s where the edge goes.
type path struct {
	name  string
	typ   string
	outer string
	vars  map[string]any
	edge  edge
	// list: the edge gives a list whose order must not depend on the selection.
	list bool
	// each: read every field on its own too (one alias each), where the edge decides
	// from the selection what to answer with.
	each bool
}

// read runs the path once with every variant as an alias of the edge and returns, per
// variant, the target records in document order.
func (d *differential) read(p path, vs []variant) map[string][]map[string]any {
	d.t.Helper()
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = p.edge.read(fmt.Sprintf("v%d", i), p.typ, v.text(p.typ))
	}
	data := d.run(fmt.Sprintf(p.outer, strings.Join(parts, " ")), p.vars)
	out := map[string][]map[string]any{}
	for i, v := range vs {
		var got []map[string]any
		collectAliased(data, fmt.Sprintf("v%d", i), &got)
		out[v.name] = got
	}
	return out
}

// collectAliased collects the target records under every occurrence of alias.
func collectAliased(v any, alias string, out *[]map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == alias {
				collectTargets(x[k], out)
			} else if !isVariantAlias(k) {
				collectAliased(x[k], alias, out)
			}
		}
	case []any:
		for _, e := range x {
			collectAliased(e, alias, out)
		}
	}
}

func isVariantAlias(k string) bool {
	if len(k) < 2 || k[0] != 'v' {
		return false
	}
	for _, r := range k[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func ids(recs []map[string]any) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i], _ = r["id"].(string)
	}
	return out
}

// loadCanonical reads every id not read yet with nodes() and the full selection.
func (d *differential) loadCanonical(idsByType map[string][]string) {
	d.t.Helper()
	for _, typ := range sortedStrings(idsByType) {
		var todo []string
		for _, id := range idsByType[typ] {
			if _, ok := d.canonical[id]; !ok {
				todo = append(todo, id)
				d.canonical[id] = nil
			}
		}
		for start := 0; start < len(todo); start += 25 {
			chunk := todo[start:min(start+25, len(todo))]
			q := fmt.Sprintf(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { %s } } }`, typ, fullSelection(d.t, typ))
			data := d.run(q, map[string]any{"ids": chunk})
			for i, n := range data["nodes"].([]any) {
				m, ok := n.(map[string]any)
				if !ok || m["id"] != chunk[i] {
					d.t.Fatalf("nodes(%s)[%d] = %v", chunk[i], i, n)
				}
				d.canonical[chunk[i]] = m
			}
		}
	}
}

func sortedStrings[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// check compares the records a path gave for one variant with node(id).
func (d *differential) check(t *testing.T, p path, v variant, recs []map[string]any) {
	t.Helper()
	for _, r := range recs {
		id, _ := r["id"].(string)
		k, _ := recordKey(t, id)
		want := d.canonical[id]
		if want == nil {
			t.Fatalf("%s: %s not read by id", p.name, id)
		}
		if d.reached[id] == nil {
			d.reached[id] = map[string]bool{}
		}
		d.reached[id][p.name] = true
		for _, f := range v.fields {
			if !comparableField(k, f.name) {
				continue
			}
			d.compared["path"]++
			if !reflect.DeepEqual(r[f.name], want[f.name]) {
				t.Errorf("%s (%s) %s.%s of %s:\n  through the path %s\n  node(id)         %s", p.name, v.name, k, f.name, id,
					jsonText(r[f.name]), jsonText(want[f.name]))
			}
		}
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// checkOrder requires every variant of a list path to give the same records in the
// same order as the full selection.
func (d *differential) checkOrder(t *testing.T, p path, got map[string][]map[string]any) {
	t.Helper()
	want := strings.Join(ids(got["full"]), ",")
	for name, recs := range got {
		d.compared["order"]++
		if s := strings.Join(ids(recs), ","); s != want {
			t.Errorf("%s: the list selecting only %s is ordered %s; with the full selection %s", p.name, name, s, want)
		}
	}
}

func TestDifferential(t *testing.T) {
	env := sandboxEnv(t, "sandbox")
	// The paths select every field of a type at once, through nested lists; the limits
	// that guard against costly operations are not what this test is about.
	env["COMPLEXITY_LIMIT"], env["DEPTH_LIMIT"], env["MAX_BACKEND_CALLS"], env["TOKEN_LIMIT"] = "0", "0", "0", "1000000"
	_, srv := newGateway(t, env)
	d := &differential{t: t, srv: srv, canonical: map[string]map[string]any{}, reached: map[string]map[string]bool{},
		compared: map[string]int{}}
	start, last := time.Now(), time.Now()
	var phases []string
	phase := func(name string) {
		phases = append(phases, fmt.Sprintf("%s %s", name, time.Since(last).Round(10*time.Millisecond)))
		last = time.Now()
	}

	// Samples: the first records of every root list.
	samples := map[typeSource][]string{}
	rootOrder := map[string][]string{}
	rootReads := map[string]map[string][]map[string]any{}
	var roots []path
	for _, k := range sortedTypeSources(rootLists) {
		for _, l := range rootLists[k] {
			p := path{name: "Query." + strings.TrimSuffix(fmt.Sprintf(l, rootSample), ")") + ")", typ: k.typ, outer: `{ %s }`,
				edge: edge{field: fmt.Sprintf(l, rootSample), conn: true}, list: true}
			roots = append(roots, p)
			got := d.read(p, fewVariants(t, k.typ))
			rootReads[p.name] = got
			rootOrder[p.name] = ids(got["full"])
			for _, id := range ids(got["full"]) {
				samples[k] = append(samples[k], id)
			}
		}
	}
	phase("root lists")
	for _, k := range sortedTypeSources(backendSeeds) {
		for _, sid := range backendSeeds[k](t) {
			samples[k] = append(samples[k], globalID(k.typ, k.source, sid))
		}
	}
	phase("seeds")
	d.loadCanonical(byType(samples))
	// Candidates for parents: the samples and a few of the records they lead to.
	hop := map[typeSource][]string{}
	for _, id := range sortedStrings(d.canonical) {
		k, _ := recordKey(t, id)
		for _, e := range schemaEdges(t, k) {
			for _, target := range edgeIDs(d.canonical[id][e.field.name]) {
				tk, _ := recordKey(t, target)
				if len(hop[tk]) < hopSample && !contains(hop[tk], target) {
					hop[tk] = append(hop[tk], target)
				}
			}
		}
	}
	d.loadCanonical(byType(hop))
	phase("records by id")
	// Users are reached through the owners of the samples.
	for _, id := range sortedStrings(d.canonical) {
		if owner, ok := d.canonical[id]["owner"].(map[string]any); ok {
			k, _ := recordKey(t, owner["id"].(string))
			if len(samples[k]) < rootSample && !contains(samples[k], owner["id"].(string)) {
				samples[k] = append(samples[k], owner["id"].(string))
			}
		}
	}
	d.loadCanonical(byType(samples))

	// Paths: the root lists, node and nodes of the samples, and every edge of the schema
	// from parents that have it filled (read through nodes() and through the parent's
	// root list).
	for _, p := range roots {
		t.Run(p.name, func(t *testing.T) {
			for _, v := range fewVariants(t, p.typ) {
				d.check(t, p, v, rootReads[p.name][v.name])
			}
			d.checkOrder(t, p, rootReads[p.name])
		})
	}
	var paths []path
	for _, k := range sortedTypeSources(samples) {
		ids := samples[k]
		paths = append(paths, path{name: "Query.nodes(" + k.String() + ")", typ: k.typ, outer: `query($ids: [ID!]!) { %s }`,
			vars: map[string]any{"ids": ids}, edge: edge{field: "nodes(ids: $ids)", frag: true}, list: true})
		for i, id := range ids[:min(2, len(ids))] {
			paths = append(paths, path{name: fmt.Sprintf("Query.node(%s #%d)", k, i), typ: k.typ, outer: `query($id: ID!) { %s }`,
				vars: map[string]any{"id": id}, edge: edge{field: "node(id: $id)", frag: true}})
		}
	}
	paths = append(paths, d.edgePaths(samples)...)

	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			vs := fewVariants(t, p.typ)
			if p.each {
				vs = variants(t, p.typ)
			}
			got := d.read(p, vs)
			var all []string
			for _, recs := range got {
				all = append(all, ids(recs)...)
			}
			d.loadCanonical(byTypeOfIDs(t, all))
			for _, v := range vs {
				d.check(t, p, v, got[v.name])
			}
			if p.list {
				d.checkOrder(t, p, got)
			}
		})
	}
	phase("paths")
	t.Run("parents from the lists", d.checkListParents)
	phase("parents from the lists")
	t.Run("masks", func(t *testing.T) { d.checkMasks(t, samples) })
	phase("fields alone")
	t.Run("pages", func(t *testing.T) { d.walkPages(t, roots, rootOrder) })
	phase("pages")
	t.Run("backends", func(t *testing.T) { d.checkBackends(t) })
	phase("backends")
	t.Run("no field always null", func(t *testing.T) { d.checkFilled(t) })
	t.Run("reference items", func(t *testing.T) { d.checkReferenceItems(t) })
	phase("the rest")

	perType := map[typeSource]int{}
	fields := map[string]bool{}
	for id := range d.canonical {
		k, _ := recordKey(t, id)
		perType[k]++
		for _, f := range fieldsOf(t, k.typ) {
			fields[k.typ+"."+f.name] = true
		}
	}
	pathNames := map[string]bool{}
	for _, ps := range d.reached {
		for p := range ps {
			pathNames[p] = true
		}
	}
	t.Logf("%d records (%v) of %d fields, through %d paths, in %d queries; %d path field comparisons, %d order comparisons, %d backend field comparisons, %d reference item comparisons; %s (%s)",
		len(d.canonical), perType, len(fields), len(pathNames), d.queries, d.compared["path"], d.compared["order"], d.compared["backend"],
		d.compared["reference"], time.Since(start).Round(time.Millisecond), strings.Join(phases, ", "))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func byType(samples map[typeSource][]string) map[string][]string {
	out := map[string][]string{}
	for k, ids := range samples {
		out[k.typ] = append(out[k.typ], ids...)
	}
	return out
}

func byTypeOfIDs(t testing.TB, ids []string) map[string][]string {
	out := map[string][]string{}
	for _, id := range ids {
		k, _ := recordKey(t, id)
		out[k.typ] = append(out[k.typ], id)
	}
	return out
}

func sortedTypeSources[V any](m map[typeSource]V) []typeSource {
	out := make([]typeSource, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// schemaEdge is a field of a sampled type whose type is a Node, a list of Nodes or a
// connection of Nodes.
type schemaEdge struct {
	parent typeSource
	field  selField
	target string
	edge   edge
	list   bool
}

func (e schemaEdge) name() string { return e.parent.String() + "." + e.field.name }

// schemaEdges lists the edges of the records of k the source has.
func schemaEdges(t *testing.T, k typeSource) []schemaEdge {
	var out []schemaEdge
	for _, f := range fieldsOf(t, k.typ) {
		if f.kind != edgeField && f.kind != connectionField {
			continue
		}
		if _, na := unavailable[k][f.name]; na || !comparableField(k, f.name) {
			continue
		}
		e := schemaEdge{parent: k, field: f, target: f.target, edge: edge{field: f.name}, list: isListField(t, k.typ, f.name)}
		if f.kind == connectionField {
			e.target = strings.TrimSuffix(f.target, "Connection")
			e.edge = edge{field: fmt.Sprintf("%s(first: %d)", f.name, connectionWindow), conn: true}
			e.list = true
		}
		out = append(out, e)
	}
	return out
}

// edgePaths builds a path for every edge of every sampled type, from up to
// parentsPerPath parents whose record has the edge filled, read by nodes().
func (d *differential) edgePaths(samples map[typeSource][]string) []path {
	t := d.t
	var out []path
	for _, k := range sortedTypeSources(samples) {
		for _, e := range schemaEdges(t, k) {
			var parents []string
			for _, id := range append(append([]string{}, samples[k]...), sortedStrings(d.canonical)...) {
				if pk, _ := recordKey(t, id); pk == k && filled(d.canonical[id][e.field.name]) && !contains(parents, id) &&
					len(parents) < parentsPerPath {
					parents = append(parents, id)
				}
			}
			if len(parents) == 0 {
				t.Errorf("%s: no record read has it: nothing reaches this edge", e.name())
				continue
			}
			out = append(out, path{name: e.name() + " (parents by id)", typ: e.target, list: e.list, each: true,
				outer: fmt.Sprintf(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { %%s } } }`, k.typ),
				vars:  map[string]any{"ids": parents}, edge: e.edge})
		}
	}
	return out
}

// checkListParents reads every edge of the first records of each root list in one
// operation per list (the parents come from a list, not by id) and compares what the
// edges give with node(id).
func (d *differential) checkListParents(t *testing.T) {
	for _, k := range sortedTypeSources(rootLists) {
		edges := schemaEdges(t, k)
		parts := make([]string, len(edges))
		for i, e := range edges {
			parts[i] = e.edge.read(fmt.Sprintf("v%d", i), e.target, variant{fields: fieldsOf(t, e.target)}.text(e.target))
		}
		l := fmt.Sprintf(rootLists[k][0], parentsPerPath)
		data := d.run(fmt.Sprintf(`{ list: %s { edges { node { id %s } } } }`, l, strings.Join(parts, " ")), nil)
		for i, e := range edges {
			var recs []map[string]any
			collectAliased(data, fmt.Sprintf("v%d", i), &recs)
			d.loadCanonical(byTypeOfIDs(t, ids(recs)))
			t.Run(e.name()+" (parents from the list)", func(t *testing.T) {
				d.check(t, path{name: e.name() + " (parents from " + l + ")"}, variant{name: "full", fields: fieldsOf(t, e.target)}, recs)
			})
		}
	}
}

func isListField(t testing.TB, typ, field string) bool {
	def := schemaForTests(t).Types[typ]
	return def.Fields.ForName(field).Type.Elem != nil
}

// maskedSources push the selection down to the backend (Cirrus X-Fields, Apideck
// fields): there a field must be right when it is the only one the operation selects.
var maskedSources = map[string]bool{"CIRRUS": true, "SUPPORT": true}

// checkMasks reads every field of the masked sources' samples in an operation of its
// own, by id and through the root list.
func (d *differential) checkMasks(t *testing.T, samples map[typeSource][]string) {
	for _, k := range sortedTypeSources(samples) {
		if !maskedSources[k.source] || len(samples[k]) == 0 {
			continue
		}
		for _, v := range variants(t, k.typ)[1:] {
			sel := v.text(k.typ)
			q := fmt.Sprintf(`query($ids: [ID!]!) { n: nodes(ids: $ids) { ... on %s { %s } }`, k.typ, sel)
			if roots := rootLists[k]; len(roots) > 0 {
				q += fmt.Sprintf(` l: %s { edges { node { %s } } }`, fmt.Sprintf(roots[0], 1), sel)
			}
			var got []map[string]any
			collectTargets(d.run(q+" }", map[string]any{"ids": samples[k][:1]}), &got)
			all := ids(got)
			d.loadCanonical(byTypeOfIDs(t, all))
			d.check(t, path{name: k.String() + " alone"}, v, got)
		}
	}
}

// walkPages walks the root lists and the connections of the samples page by page, a
// different single-field selection on every page: every record must come exactly once,
// in the order one page of them all gave (the root read, or the full selection's ids).
func (d *differential) walkPages(t *testing.T, roots []path, rootOrder map[string][]string) {
	const pageSize = 2
	type walk struct {
		name  string
		typ   string
		outer string // with %s for the connection field, which takes $first and $after
		field string
		vars  map[string]any
		conn  func(map[string]any) map[string]any
		whole []string
	}
	var walks []walk
	for _, p := range roots {
		f := strings.Replace(p.edge.field, fmt.Sprintf("first: %d", rootSample), "first: $first, after: $after", 1)
		walks = append(walks, walk{name: p.name, typ: p.typ, outer: `query($first: Int, $after: String) { %s }`, field: f,
			conn: func(m map[string]any) map[string]any { return m["c"].(map[string]any) }, whole: rootOrder[p.name]})
	}
	// One connection of each kind with more than a page of items.
	seen := map[string]bool{}
	for _, id := range sortedStrings(d.canonical) {
		k, _ := recordKey(t, id)
		for _, f := range fieldsOf(t, k.typ) {
			name := k.String() + "." + f.name
			c, _ := d.canonical[id][f.name].(map[string]any)
			if f.kind != connectionField || seen[name] || len(connectionIDs(c)) <= pageSize {
				continue
			}
			seen[name] = true
			walks = append(walks, walk{name: name, typ: strings.TrimSuffix(f.target, "Connection"),
				outer: fmt.Sprintf(`query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on %s { %%s } } }`, k.typ),
				field: f.name + "(first: $first, after: $after)", vars: map[string]any{"id": id},
				conn: func(m map[string]any) map[string]any {
					return m["node"].(map[string]any)["c"].(map[string]any)
				}, whole: connectionIDs(c)})
		}
	}
	for _, w := range walks {
		vs := variants(t, w.typ)[1:]
		var walked []string
		var after any
		for i := 0; len(walked) < len(w.whole); i++ {
			vars := map[string]any{"first": pageSize, "after": after}
			for k, x := range w.vars {
				vars[k] = x
			}
			// Stride through the fields so consecutive pages select unlike ones (one an
			// embedded summary carries, one it does not).
			v := vs[(i*(len(vs)/2+1))%len(vs)]
			q := fmt.Sprintf(w.outer, "c: "+w.field+" { edges { node { ... on "+w.typ+" { "+v.text(w.typ)+" } } } pageInfo { hasNextPage endCursor } }")
			c := w.conn(d.run(q, vars))
			edges := c["edges"].([]any)
			for _, e := range edges {
				walked = append(walked, e.(map[string]any)["node"].(map[string]any)["id"].(string))
			}
			pi := c["pageInfo"].(map[string]any)
			if pi["hasNextPage"] != true || len(edges) == 0 {
				break
			}
			after = pi["endCursor"]
		}
		walked = walked[:min(len(walked), len(w.whole))]
		d.compared["order"]++
		if strings.Join(walked, ",") != strings.Join(w.whole, ",") {
			t.Errorf("%s: pages of %d with a different field each give %v; one page gives %v", w.name, pageSize, walked, w.whole)
		}
		twice := map[string]bool{}
		for _, id := range walked {
			if twice[id] {
				t.Errorf("%s: %s comes twice walking the pages", w.name, id)
			}
			twice[id] = true
		}
	}
}

func connectionIDs(c map[string]any) []string {
	edges, _ := c["edges"].([]any)
	out := make([]string, 0, len(edges))
	for _, e := range edges {
		if n, ok := e.(map[string]any)["node"].(map[string]any); ok {
			out = append(out, n["id"].(string))
		}
	}
	return out
}

// filled reports whether a value carries data: not null, not an empty list, not an
// empty connection.
func filled(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case []any:
		return len(x) > 0
	case map[string]any:
		if edges, ok := x["edges"].([]any); ok {
			return len(edges) > 0
		}
	}
	return true
}

// checkFilled: every field carries data in at least one record read unless its source
// is declared not to have it (then it must be empty in all of them). A field no source
// can fill does not belong in the schema.
func (d *differential) checkFilled(t *testing.T) {
	records := map[typeSource][]map[string]any{}
	for id, rec := range d.canonical {
		k, _ := recordKey(t, id)
		records[k] = append(records[k], rec)
	}
	valueSeen, valueAll := map[string]bool{}, map[string]bool{}
	for _, k := range sortedTypeSources(records) {
		recs := records[k]
		for _, f := range fieldsOf(t, k.typ) {
			if !comparableField(k, f.name) {
				continue
			}
			n := 0
			for _, r := range recs {
				if filled(r[f.name]) {
					n++
				}
				if f.kind == valueField {
					valueFieldsSeen(t, f.target, r[f.name], valueSeen, valueAll)
				}
			}
			reason, declared := unavailable[k][f.name]
			_, empty := sandboxLeavesEmpty[k][f.name]
			switch {
			case declared && n > 0:
				t.Errorf("%s.%s is declared unavailable (%s) but %d of %d records have it", k, f.name, reason, n, len(recs))
			case !declared && !empty && n == 0:
				t.Errorf("%s.%s is empty in all %d records read: fix it, or declare why the source has none", k, f.name, len(recs))
			}
		}
	}
	var never []string
	for key := range valueAll {
		if !valueSeen[key] && neverFilled[key] == "" {
			never = append(never, key)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Errorf("fields of value objects empty everywhere: %s", strings.Join(never, ", "))
	}
}

// valueFieldsSeen marks, for value objects anywhere under v (typed by typ), which of
// their fields were filled ("Stage.color").
func valueFieldsSeen(t *testing.T, typ string, v any, seen map[string]bool, all map[string]bool) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			valueFieldsSeen(t, typ, e, seen, all)
		}
	case map[string]any:
		for _, f := range fieldsOf(t, typ) {
			if f.kind != valueField && f.kind != leafField {
				continue
			}
			key := typ + "." + f.name
			all[key] = true
			if filled(x[f.name]) {
				seen[key] = true
			}
			if f.kind == valueField {
				valueFieldsSeen(t, f.target, x[f.name], seen, all)
			}
		}
	}
}
