package clientdata

import (
	"net/http"
	"strings"
)

type wireLayoutStep struct {
	Label string `json:"label"`
	Key   string `json:"key"`
}

type wireValidations struct {
	MaxLength *int32 `json:"maxLength"`
}

type wireField struct {
	Key                    string           `json:"key"`
	Label                  string           `json:"label"`
	FieldType              string           `json:"fieldType"`
	ListKey                string           `json:"listKey"`
	ListHierarchyFilterKey string           `json:"listHierarchyFilterKey"`
	IsReadOnly             bool             `json:"isReadOnly"`
	IsArrayItem            bool             `json:"isArrayItem"`
	Tooltip                string           `json:"tooltip"`
	LayoutPath             []wireLayoutStep `json:"layoutPath"`
	Placeholder            string           `json:"placeholder"`
	IsRequired             bool             `json:"isRequired"`
	IsApprovalRequired     bool             `json:"isApprovalRequired"`
	IsHidden               bool             `json:"isHidden"`
	Validations            *wireValidations `json:"validations"`
	ToggleHidden           any              `json:"toggleHidden"`
	Currency               string           `json:"currency"`
	Alias                  string           `json:"alias"`
}

func layoutPath(path string, li int) []wireLayoutStep {
	parts := strings.Split(path, ".")
	var out []wireLayoutStep
	for i := 1; i < len(parts); i++ {
		key := strings.Join(parts[:i], ".")
		out = append(out, wireLayoutStep{Label: layoutLabel(key)[li], Key: key})
	}
	return out
}

func (s *Server) schemaFields(rw http.ResponseWriter, r *http.Request, who caller) {
	var q struct {
		FieldKeys     []string `json:"fieldKeys"`
		LayoutPathKey *string  `json:"layoutPathKey"`
	}
	if !decode(r, &q, true) {
		s.malformed(rw)
		return
	}
	if r.PathValue("key") != contactSchemaKey {
		s.notFound(rw, "Schema '"+r.PathValue("key")+"'")
		return
	}
	keys := set(q.FieldKeys)
	li := langIndex(who.lang)
	out := struct {
		Fields []wireField `json:"fields"`
	}{Fields: []wireField{}}
	for _, f := range contactFields {
		lp := layoutPath(f.path, li)
		if keys != nil && !keys[f.path] {
			continue
		}
		if q.LayoutPathKey != nil && *q.LayoutPathKey != "" && !inLayout(lp, *q.LayoutPathKey) {
			continue
		}
		wf := wireField{Key: f.path, Label: f.labels[li], FieldType: f.fieldType, ListKey: f.listKey,
			IsReadOnly: f.readOnly, LayoutPath: lp, IsRequired: f.required, IsApprovalRequired: f.approval, Alias: f.alias}
		if f.maxLength > 0 {
			wf.Validations = &wireValidations{MaxLength: &f.maxLength}
		}
		if f.path == pathCity {
			wf.ListHierarchyFilterKey = pathCountry
		}
		out.Fields = append(out.Fields, wf)
	}
	writeJSON(rw, http.StatusOK, out)
}

func inLayout(lp []wireLayoutStep, key string) bool {
	for _, st := range lp {
		if st.Key == key {
			return true
		}
	}
	return false
}

type wireListItem struct {
	ID               int32  `json:"id"`
	UID              string `json:"uid"`
	Label            string `json:"label"`
	Key              string `json:"key"`
	CustomAttributes string `json:"customAttributes"`
}

func (s *Server) wireItem(it listItem, li int) wireListItem {
	return wireListItem{ID: it.id, UID: s.w.UUID("clientdata-list-item", int(it.id)), Label: it.labels[li], Key: it.key, CustomAttributes: it.attrs}
}

func (s *Server) listItems(rw http.ResponseWriter, r *http.Request, who caller) {
	var q struct {
		ListKeys []string `json:"listKeys"`
	}
	if !decode(r, &q, true) {
		s.malformed(rw)
		return
	}
	type wireList struct {
		ListKey   string         `json:"listKey"`
		ListItems []wireListItem `json:"listItems"`
	}
	want := set(q.ListKeys)
	li := langIndex(who.lang)
	out := struct {
		Items []wireList `json:"items"`
	}{Items: []wireList{}}
	for _, l := range lists() {
		if want != nil && !want[l.key] {
			continue
		}
		wl := wireList{ListKey: l.key, ListItems: make([]wireListItem, len(l.items))}
		for i, it := range l.items {
			wl.ListItems[i] = s.wireItem(it, li)
		}
		out.Items = append(out.Items, wl)
	}
	writeJSON(rw, http.StatusOK, out)
}

func (s *Server) listLookup(rw http.ResponseWriter, r *http.Request, who caller) {
	var q struct {
		Filter                *string `json:"filter"`
		Limit                 *int32  `json:"limit"`
		IncludeID             *int32  `json:"includeId"`
		IsFilteredByHierarchy *bool   `json:"isFilteredByHierarchy"`
		HierarchyListItemID   *int32  `json:"hierarchyListItemId"`
	}
	if !decode(r, &q, true) || (q.Limit != nil && *q.Limit < 0) {
		s.malformed(rw)
		return
	}
	l := findList(r.PathValue("listKey"))
	if l == nil {
		s.notFound(rw, "List '"+r.PathValue("listKey")+"'")
		return
	}
	limit := 10
	if q.Limit != nil {
		limit = int(*q.Limit)
	}
	li := langIndex(who.lang)
	term := ""
	if q.Filter != nil {
		term = strings.ToLower(*q.Filter)
	}
	var hits []listItem
	var included *listItem
	for _, it := range l.items {
		if q.IncludeID != nil && it.id == *q.IncludeID {
			included = &it
		}
		if q.IsFilteredByHierarchy != nil && *q.IsFilteredByHierarchy && q.HierarchyListItemID != nil && it.parent != *q.HierarchyListItemID {
			continue
		}
		if term != "" && !strings.Contains(strings.ToLower(it.labels[li]), term) && !strings.Contains(strings.ToLower(it.key), term) {
			continue
		}
		hits = append(hits, it)
	}
	total := len(hits)
	hits = hits[:min(limit, len(hits))]
	if included != nil && !containsItem(hits, included.id) {
		hits = append([]listItem{*included}, hits...)
	}
	out := struct {
		Items      []wireListItem `json:"items"`
		TotalCount int32          `json:"totalCount"`
	}{Items: make([]wireListItem, len(hits)), TotalCount: int32(total)}
	for i, it := range hits {
		out.Items[i] = s.wireItem(it, li)
	}
	writeJSON(rw, http.StatusOK, out)
}

func containsItem(items []listItem, id int32) bool {
	for _, it := range items {
		if it.id == id {
			return true
		}
	}
	return false
}
