package cirrus

import (
	"math"
	"strconv"
	"strings"
)

// List filters on data the sandbox holds none of. The sandbox serves no dynamic fields
// (#65-68), missions (#154-163) or activities (#16-28), so no record has dynamic data, a
// mission connection or an activity: such a filter is applied to that empty data (it
// matches nothing) rather than ignored, which is what a tenant without them answers.
// Malformed values are refused with the validation error reqparse gives.

// dynamicFilter is the paired dynamicfield_id[] / dynamicfield_val[] filter (accounts
// L132-133, contacts, opportunities, orders, leads; "Each dynamicfield_id must be paired
// with a dynamicfield_val parameter in order to filter").
type dynamicFilter struct{ pairs int }

// active reports a filter that matches nothing: no record has dynamic data.
func (d dynamicFilter) active() bool { return d.pairs > 0 }

func (p *params) dynamicFields() dynamicFilter {
	ids, vals := p.q["dynamicfield_id"], p.q["dynamicfield_val"]
	for _, id := range ids {
		if _, err := strconv.Atoi(strings.TrimSpace(id)); err != nil {
			p.errs["dynamicfield_id"] = "invalid literal for int() with base 10: '" + id + "'"
		}
	}
	if len(ids) != len(vals) {
		// The seed says an unpaired one does not filter; the sandbox refuses it rather
		// than answering as if the caller had not asked.
		p.errs["dynamicfield_id"] = "Each dynamicfield_id must be paired with a dynamicfield_val parameter in order to filter"
	}
	return dynamicFilter{pairs: min(len(ids), len(vals))}
}

// missions reads missionid (accounts L153, one id) or missionids (orders L5094, a
// comma list) and missionresult (Enum 0 1, "only shows … connected to missionid with
// result 1/0", L154, L5095). It reports whether any is set: no record is connected to a mission.
func (p *params) missions(name string, list bool) bool {
	var set bool
	if list {
		set = len(p.ints(name)) > 0
	} else {
		set = p.intPtr(name) != nil
	}
	return p.intPtr("missionresult", 0, 1) != nil || set
}

// activity reads activity (Enum 0 1, "Show accounts with at least one activity", L155)
// and the activity_* predicates that are "Only in effect when activity=1" (L156-158).
// It reports whether the filter asks for an activity: no account has one. activity=0
// asks for nothing.
func (p *params) activity() bool {
	a := p.intPtr("activity", 0, 1)
	p.intPtr("activity_user")
	p.intPtr("activity_closed", 0, 1)
	p.intPtr("activity_type")
	return a != nil && *a == 1
}

// nearFilter is nearto "{latitude, longitude}" with distance in kilometres (L141-142).
type nearFilter struct{ lat, lon, km float64 }

// nearTo reads nearto and distance. The seed gives distance no default, so nearto
// without one is refused, as is a distance without nearto.
func (p *params) nearTo() *nearFilter {
	at, dist := strings.TrimSpace(p.str("nearto")), strings.TrimSpace(p.str("distance"))
	if at == "" && dist == "" {
		return nil
	}
	if at == "" || dist == "" {
		p.errs["nearto"] = "nearto and distance go together: {latitude, longitude} and a threshold in kilometers"
		return nil
	}
	parts := strings.Split(strings.Trim(at, "{}() "), ",")
	var f nearFilter
	var err1, err2, err3 error
	if len(parts) == 2 {
		f.lat, err1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		f.lon, err2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	}
	if len(parts) != 2 || err1 != nil || err2 != nil || math.Abs(f.lat) > 90 || math.Abs(f.lon) > 180 {
		p.errs["nearto"] = "will filter accounts based on proximty to supplied location {latitude, longitude}: '" + at + "'"
		return nil
	}
	if f.km, err3 = strconv.ParseFloat(dist, 64); err3 != nil || f.km < 0 || math.IsNaN(f.km) {
		p.errs["distance"] = "could not convert string to float: '" + dist + "'"
		return nil
	}
	return &f
}

// reaches reports whether one of a's addresses with coordinates lies within the
// distance (great-circle, on a 6371 km sphere).
func (f *nearFilter) reaches(a *account) bool {
	for _, ad := range a.addresses {
		lat, err1 := strconv.ParseFloat(ad.latitude, 64)
		lon, err2 := strconv.ParseFloat(ad.longitude, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if haversineKm(f.lat, f.lon, lat, lon) <= f.km {
			return true
		}
	}
	return false
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(h))
}
