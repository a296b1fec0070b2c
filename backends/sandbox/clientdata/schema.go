package clientdata

// The contact schema ("contact"): every detail path the sandbox accepts, which of them
// need approval when a member changes them, which need channel verification, and which
// the contacts export writes (isExportable; the birth date is left out so the flag
// visibly matters).
const (
	pathFirstName   = "personalInformation.firstName"
	pathLastName    = "personalInformation.lastName"
	pathDisplayName = "personalInformation.displayName"
	pathBirthDate   = "personalInformation.birthDate"
	pathLanguage    = "personalInformation.language"
	pathCompany     = "employment.companyName"
	pathJobTitle    = "employment.jobTitle"
	pathEmail       = "communicationMeans.primaryEmail"
	pathPhone       = "communicationMeans.primaryPhoneNumber"
	pathMobile      = "communicationMeans.mobilePhoneNumber"
	pathStreet      = "addresses.primaryAddress.street"
	pathPostalCode  = "addresses.primaryAddress.postalCode"
	pathCity        = "addresses.primaryAddress.city"
	pathCountry     = "addresses.primaryAddress.country"
)

type field struct {
	path      string
	fieldType string
	labels    [3]string // en, de, fr (sv falls back to en)
	listKey   string
	required  bool
	readOnly  bool
	approval  bool
	alias     string
	maxLength int32
	exported  bool // isExportable: a column of the contacts export
}

var contactFields = []field{
	{path: pathFirstName, fieldType: "Text", labels: [3]string{"First name", "Vorname", "Prénom"}, required: true, approval: true, maxLength: 100, exported: true},
	{path: pathLastName, fieldType: "Text", labels: [3]string{"Last name", "Nachname", "Nom"}, required: true, approval: true, maxLength: 100, exported: true},
	{path: pathDisplayName, fieldType: "Text", labels: [3]string{"Display name", "Anzeigename", "Nom affiché"}, readOnly: true, exported: true},
	{path: pathBirthDate, fieldType: "Date", labels: [3]string{"Date of birth", "Geburtsdatum", "Date de naissance"}, approval: true},
	{path: pathLanguage, fieldType: "Select", labels: [3]string{"Language", "Sprache", "Langue"}, listKey: "language", exported: true},
	{path: pathCompany, fieldType: "Text", labels: [3]string{"Company", "Firma", "Société"}, maxLength: 200, exported: true},
	{path: pathJobTitle, fieldType: "Text", labels: [3]string{"Job title", "Position", "Fonction"}, maxLength: 100, exported: true},
	{path: pathEmail, fieldType: "Email", labels: [3]string{"Primary email", "Primäre E-Mail", "E-mail principal"}, alias: "PrimaryEmail", maxLength: 254, exported: true},
	{path: pathPhone, fieldType: "PhoneNumber", labels: [3]string{"Phone", "Telefon", "Téléphone"}, exported: true},
	{path: pathMobile, fieldType: "PhoneNumber", labels: [3]string{"Mobile", "Mobiltelefon", "Portable"}, alias: "PrimaryMobile", exported: true},
	{path: pathStreet, fieldType: "Text", labels: [3]string{"Street", "Straße", "Rue"}, approval: true, exported: true},
	{path: pathPostalCode, fieldType: "Text", labels: [3]string{"Postal code", "Postleitzahl", "Code postal"}, approval: true, exported: true},
	{path: pathCity, fieldType: "Text", labels: [3]string{"City", "Stadt", "Ville"}, approval: true, exported: true},
	{path: pathCountry, fieldType: "Select", labels: [3]string{"Country", "Land", "Pays"}, listKey: "country", approval: true, exported: true},
}

func layoutLabel(key string) [3]string {
	switch key {
	case "personalInformation":
		return [3]string{"Personal information", "Persönliche Angaben", "Informations personnelles"}
	case "employment":
		return [3]string{"Employment", "Beschäftigung", "Emploi"}
	case "communicationMeans":
		return [3]string{"Contact channels", "Kontaktwege", "Moyens de contact"}
	case "addresses":
		return [3]string{"Addresses", "Adressen", "Adresses"}
	case "addresses.primaryAddress":
		return [3]string{"Primary address", "Hauptadresse", "Adresse principale"}
	}
	return [3]string{key, key, key}
}

// fieldFor returns the schema field of path, nil when the schema has none.
func fieldFor(path string) *field {
	for i := range contactFields {
		if contactFields[i].path == path {
			return &contactFields[i]
		}
	}
	return nil
}

func needsApproval(path string) bool {
	f := fieldFor(path)
	return f != nil && f.approval
}

// channelOf maps verification-bound paths to their channel ("" for none).
func channelOf(path string) string {
	switch path {
	case pathEmail:
		return "Email"
	case pathMobile:
		return "Mobile"
	}
	return ""
}

func channelPath(ch string) string {
	switch ch {
	case "Email":
		return pathEmail
	case "Mobile":
		return pathMobile
	}
	return ""
}

func langIndex(lang string) int {
	switch lang {
	case "de":
		return 1
	case "fr":
		return 2
	}
	return 0
}

// Change-request status names by language (same ids in every language).
func statusName(id int32, lang string) string {
	var names [4]string
	switch lang {
	case "de":
		names = [4]string{"Ausstehend", "Genehmigt", "Abgelehnt", "Storniert"}
	case "fr":
		names = [4]string{"En attente", "Approuvé", "Rejeté", "Annulé"}
	case "sv":
		names = [4]string{"Väntande", "Godkänd", "Avvisad", "Avbruten"}
	default:
		names = [4]string{"Pending", "Approved", "Rejected", "Cancelled"}
	}
	if id < 1 || int(id) > len(names) {
		return ""
	}
	return names[id-1]
}

// Reference lists. Cities hang under countries (list-item hierarchy).
type listItem struct {
	id     int32
	key    string
	labels [3]string
	parent int32 // hierarchy parent item id, 0 for none
	attrs  string
}

type list struct {
	key   string
	items []listItem
}

// lists returns the reference lists in their fixed order.
func lists() []list {
	return []list{
		{"contactType", []listItem{
			{id: 1, key: "Person", labels: [3]string{"Person", "Person", "Personne"}},
			{id: 2, key: "Prospect", labels: [3]string{"Prospect", "Interessent", "Prospect"}},
			{id: 3, key: "Employee", labels: [3]string{"Employee", "Mitarbeiter", "Employé"}},
		}},
		{"country", []listItem{
			{id: 1, key: "SE", labels: [3]string{"Sweden", "Schweden", "Suède"}},
			{id: 2, key: "NO", labels: [3]string{"Norway", "Norwegen", "Norvège"}},
			{id: 3, key: "DK", labels: [3]string{"Denmark", "Dänemark", "Danemark"}},
			{id: 4, key: "FI", labels: [3]string{"Finland", "Finnland", "Finlande"}},
			{id: 5, key: "DE", labels: [3]string{"Germany", "Deutschland", "Allemagne"}},
			{id: 6, key: "FR", labels: [3]string{"France", "Frankreich", "France"}},
			{id: 7, key: "CA", labels: [3]string{"Canada", "Kanada", "Canada"}},
			{id: 8, key: "GB", labels: [3]string{"United Kingdom", "Vereinigtes Königreich", "Royaume-Uni"}},
			{id: 9, key: "NL", labels: [3]string{"Netherlands", "Niederlande", "Pays-Bas"}},
		}},
		{"city", []listItem{
			{id: 101, key: "stockholm", labels: [3]string{"Stockholm", "Stockholm", "Stockholm"}, parent: 1},
			{id: 102, key: "goteborg", labels: [3]string{"Gothenburg", "Göteborg", "Göteborg"}, parent: 1},
			{id: 103, key: "malmo", labels: [3]string{"Malmö", "Malmö", "Malmö"}, parent: 1},
			{id: 104, key: "oslo", labels: [3]string{"Oslo", "Oslo", "Oslo"}, parent: 2},
			{id: 105, key: "bergen", labels: [3]string{"Bergen", "Bergen", "Bergen"}, parent: 2},
			{id: 106, key: "kobenhavn", labels: [3]string{"Copenhagen", "Kopenhagen", "Copenhague"}, parent: 3},
			{id: 107, key: "helsinki", labels: [3]string{"Helsinki", "Helsinki", "Helsinki"}, parent: 4},
			{id: 108, key: "berlin", labels: [3]string{"Berlin", "Berlin", "Berlin"}, parent: 5},
			{id: 109, key: "munchen", labels: [3]string{"Munich", "München", "Munich"}, parent: 5},
			{id: 110, key: "paris", labels: [3]string{"Paris", "Paris", "Paris"}, parent: 6},
			{id: 111, key: "lyon", labels: [3]string{"Lyon", "Lyon", "Lyon"}, parent: 6},
			{id: 112, key: "london", labels: [3]string{"London", "London", "Londres"}, parent: 8},
		}},
		{"language", []listItem{
			{id: 201, key: "en", labels: [3]string{"English", "Englisch", "Anglais"}},
			{id: 202, key: "de", labels: [3]string{"German", "Deutsch", "Allemand"}},
			{id: 203, key: "fr", labels: [3]string{"French", "Französisch", "Français"}},
			{id: 204, key: "sv", labels: [3]string{"Swedish", "Schwedisch", "Suédois"}},
			{id: 205, key: "nb", labels: [3]string{"Norwegian", "Norwegisch", "Norvégien"}},
			{id: 206, key: "da", labels: [3]string{"Danish", "Dänisch", "Danois"}},
			{id: 207, key: "fi", labels: [3]string{"Finnish", "Finnisch", "Finnois"}},
			{id: 208, key: "nl", labels: [3]string{"Dutch", "Niederländisch", "Néerlandais"}},
		}},
	}
}

func findList(key string) *list {
	for _, l := range lists() {
		if l.key == key {
			return &l
		}
	}
	return nil
}

func validContactType(id int32) bool {
	for _, it := range findList("contactType").items {
		if it.id == id {
			return true
		}
	}
	return false
}
