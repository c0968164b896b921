package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// stStaffField: she was asked to type (or share, or tap) one field of a
// centre, the next field of a new centre, or a network's 24/7 line.
const stStaffField = "staff_field"

// Session.Data keys of a field edit and of a new centre in progress.
const (
	dataField   = "field"
	dataValue   = "value"
	dataDraft   = "draft"   // JSON of the new Centre
	dataNetwork = "network" // the network whose 24/7 line she is typing
)

// editFields are the fields staff can change one by one, in menu order;
// addSteps the fields a new centre is asked for, in order.
var (
	editFields = []string{"name", "town", "address", "phones", "towns", "languages", "location", "services"}
	addSteps   = []string{"name", "town", "address", "location", "phones", "towns", "languages"}
)

// askField asks for one field of an existing centre (id) or of the new
// centre in her session (id == "").
func (s staffDialogue) askField(id, field string) {
	name := ""
	switch {
	case !slices.Contains(editFields, field):
		s.d.sess.State = stStaff
		s.menu()
		return
	case id != "":
		c, ok := s.editable(id)
		if !ok {
			s.d.sess.State = stStaff
			s.centres()
			return
		}
		name = c.Name
		s.d.sess.Data = map[string]string{dataCentre: id, dataField: field}
	case s.d.sess.Data[dataDraft] == "":
		s.d.sess.State = stStaff
		s.centres()
		return
	default:
		s.d.sess.Data[dataField] = field
		delete(s.d.sess.Data, dataValue)
	}
	s.d.event = "staff_ask_field"
	if toggled[field] != nil {
		s.toggles()
		return
	}
	prompt := T("staff.field_prompt", "Field", T("field."+field), "Name", name)
	if id == "" {
		prompt = T("staff.field_prompt_new", "Field", T("field."+field))
	}
	texts := []Text{prompt, T("staff.field_example_" + field)}
	cancel := staffButton(T("staff.button_cancel"), "menu", "")
	if field == "location" {
		s.d.say(Reply{Texts: texts, AskLocation: true})
		s.reply([]Text{T("staff.field_location_or_type")}, []Button{cancel})
		return
	}
	s.d.say(Reply{Texts: texts, Buttons: [][]Button{{cancel}, navRow(true)}})
}

// fieldInput reads what she typed (or the location she shared) for the
// field asked.
func (s staffDialogue) fieldInput() {
	text := strings.TrimSpace(s.d.in.Text)
	if s.d.in.Kind == KindLocation {
		text = latLonText(s.d.in.Lat, s.d.in.Lon)
	}
	if s.d.sess.Data[dataNetwork] != "" {
		s.lineInput(text)
		return
	}
	s.fieldValue(text)
}

// fieldValue applies a value of the field asked to a copy of the centre and
// previews the card, or takes a new centre to its next step. She stays on
// the same question: typing again corrects the value.
func (s staffDialogue) fieldValue(text string) {
	data := s.d.sess.Data
	field := data[dataField]
	c, draft := s.target()
	if c == nil {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	changed := *c
	if err := applyField(&changed, field, text); err != nil {
		s.inputError(err, T("staff.field_example_"+field))
		return
	}
	if t := toggled[field]; t != nil {
		text = pendingValue(t.get(&changed))
	}
	if keepCoarse(&changed) && field == "location" {
		text = latLonText(changed.Lat, changed.Lon) // her session keeps no more than the store
	}
	data[dataValue] = text
	if draft {
		s.draftNext(changed)
		return
	}
	if err := checkCentre(s.d.dir.Data(), changed); err != nil {
		why := Problems(err)[0].Text
		s.inputError(&InputError{Part: text, ID: why.ID, Data: why.Data}, T("staff.field_example_"+field))
		return
	}
	s.d.event = "staff_preview"
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&changed, true).Texts...)})
	s.confirm(T("staff.confirm"), "fieldok", staffButton(T("staff.button_cancel"), "edit", c.ID))
	if note, ok := coarseNote(&changed); ok && (field == "location" || field == "address") {
		s.prefix(note)
	}
}

// target is the centre being edited, or the draft of a new one.
func (s staffDialogue) target() (*Centre, bool) {
	if raw := s.d.sess.Data[dataDraft]; raw != "" {
		var c Centre
		if json.Unmarshal([]byte(raw), &c) != nil || !s.me.has(RoleVolunteer, c.Network) {
			return nil, false
		}
		return &c, true
	}
	c, ok := s.editable(s.d.sess.Data[dataCentre])
	if !ok {
		return nil, false
	}
	return c, false
}

// applyField sets one field of c from what she typed ("lat,lon" for the
// location).
func applyField(c *Centre, field, text string) error {
	if text == "" || len([]rune(text)) > maxTypedLen {
		return inputErr(clip(text, 20), "parse.bad_input")
	}
	switch field {
	case "location":
		lat, lon, err := ParseLatLon(text)
		if err != nil {
			return err
		}
		c.Lat, c.Lon = lat, lon
	case "name":
		c.Name = text
	case "town":
		c.Town = text
	case "address":
		switch strings.ToLower(text) {
		case "riservato", "riservata", "confidential", "-":
			c.Address, c.AddressConfidential = "", true
		default:
			c.Address, c.AddressConfidential = text, false
		}
	case "phones":
		phones, err := ParsePhones(text)
		if err != nil {
			return err
		}
		c.Phones = phones
	case "towns":
		c.Towns = splitList(text)
	case "services":
		keys, err := ParseServices(text)
		if err != nil {
			return err
		}
		c.Services = keys
	case "languages":
		langs, err := ParseLanguages(text)
		if err != nil {
			return err
		}
		c.Languages = langs
	default:
		return inputErr(field, "parse.bad_input")
	}
	return nil
}

// checkCentre validates a directory in which c replaces (or joins) the
// centre of the same id.
func checkCentre(d DirectoryData, c Centre) error {
	i := slices.IndexFunc(d.Centres, func(o Centre) bool { return o.ID == c.ID })
	if i < 0 {
		d.Centres = append(d.Centres, c)
	} else {
		d.Centres = append(slices.Clone(d.Centres[:i]), append([]Centre{c}, d.Centres[i+1:]...)...)
	}
	_, err := NewDirectory(d)
	return err
}

// saveField stores the previewed field edit, or the network's line.
func (s staffDialogue) saveField() {
	data := s.d.sess.Data
	if data[dataNetwork] != "" {
		s.saveLine()
		return
	}
	field, value := data[dataField], data[dataValue]
	c, ok := s.editable(data[dataCentre])
	if !ok || value == "" || field == "" {
		s.centres()
		return
	}
	s.d.sess.Data = nil
	var before string
	err := s.change(c.ID, func(cc *Centre) error {
		before = fieldString(*cc, field)
		return applyField(cc, field, value)
	})
	if err != nil {
		s.failed(err)
		return
	}
	now, _ := s.d.dir.Centre(c.ID)
	s.audited(c, field, before, fieldString(*now, field))
	s.edit(c.ID)
	s.d.event = "staff_saved"
	s.prefix(T("staff.saved"))
}

// fieldString writes a field for the audit trail.
func fieldString(c Centre, field string) string {
	switch field {
	case "name":
		return c.Name
	case "town":
		return c.Town
	case "address", "location":
		if c.AddressConfidential {
			return ConfidentialValue
		}
		if field == "location" {
			return latLonText(c.Lat, c.Lon)
		}
		return c.Address
	case "phones":
		return strings.Join(c.Phones, ", ")
	case "towns":
		return strings.Join(c.Towns, ", ")
	case "languages":
		return strings.Join(c.Languages, ", ")
	case "services":
		return strings.Join(c.Services, ", ")
	}
	return ""
}

// startAdd begins a new centre in a network she may edit.
func (s staffDialogue) startAdd(network string) {
	if _, ok := s.d.dir.Network(network); !ok || !s.me.has(RoleVolunteer, network) {
		s.centres()
		return
	}
	draft, _ := json.Marshal(Centre{Network: network})
	s.d.sess.Data = map[string]string{dataDraft: string(draft)}
	s.askField("", addSteps[0])
}

// draftNext stores the draft and asks the next step, or previews it.
func (s staffDialogue) draftNext(c Centre) {
	field := s.d.sess.Data[dataField]
	if field == "town" && c.ID == "" {
		c.ID = s.newCentreID(c.Network, c.Town)
	}
	keepCoarse(&c)
	raw, _ := json.Marshal(c)
	s.d.sess.Data[dataDraft] = string(raw)
	if i := slices.Index(addSteps, field); i >= 0 && i+1 < len(addSteps) {
		s.askField("", addSteps[i+1])
		return
	}
	if err := checkCentre(s.d.dir.Data(), c); err != nil {
		s.d.sess.State = stStaff
		s.reply([]Text{T("staff.add_invalid", "Reason", Problems(err)[0].Message())})
		return
	}
	// She stays on the last question: typing corrects it.
	s.d.event = "staff_add_preview"
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&c, true).Texts...)})
	s.confirm(T("staff.add_confirm"), "addok", staffButton(T("staff.button_cancel"), "centres", ""))
	if note, ok := coarseNote(&c); ok {
		s.prefix(note)
	}
}

// saveAdd stores the new centre as a draft: women see it once it has its
// hours and is published.
func (s staffDialogue) saveAdd() {
	c, draft := s.target()
	s.d.sess.Data = nil
	if c == nil || !draft {
		s.centres()
		return
	}
	c.Draft = true
	err := s.updateDirectory(func(dd *DirectoryData) error {
		if slices.ContainsFunc(dd.Centres, func(o Centre) bool { return o.ID == c.ID }) {
			return fmt.Errorf("centre %q exists", c.ID)
		}
		dd.Centres = append(dd.Centres, *c)
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, "centre", "", "added "+c.Name)
	s.edit(c.ID)
	s.d.event = "staff_added"
	s.prefix(T("staff.added"))
}

// deleteCentre asks, then removes a centre.
func (s staffDialogue) deleteCentre(id string, confirmed bool) {
	c, ok := s.editable(id)
	if !ok {
		s.centres()
		return
	}
	next := s.d.dir.Data()
	next.Centres = slices.DeleteFunc(next.Centres, func(o Centre) bool { return o.ID == id })
	if s.refuseOrphans(next, []Button{staffButton(T("staff.button_cancel"), "edit", id)}) {
		return
	}
	if !confirmed {
		s.d.event = "staff_delete_ask"
		texts := []Text{T("staff.delete_ask", "Name", c.Name)}
		if n := s.openRequests(id); n > 0 {
			texts = append(texts, T("staff.delete_moves", "Count", n))
		}
		s.reply(texts, []Button{staffButton(T("staff.button_delete_yes"), "deleteok", id), staffButton(T("staff.button_cancel"), "edit", id)})
		return
	}
	err := s.updateDirectory(func(dd *DirectoryData) error {
		dd.Centres = slices.DeleteFunc(dd.Centres, func(o Centre) bool { return o.ID == id })
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	// Its open requests go to the network now, not at the next tick.
	s.d.svc.settle(s.d.ctx)
	s.audited(c, "centre", "deleted "+c.Name, "")
	s.d.event = "staff_deleted"
	s.centres()
	s.prefix(T("staff.deleted", "Name", c.Name))
}

// newCentreID makes an id from the network and town: "amaranta-cusano-milanino".
func (s staffDialogue) newCentreID(network, town string) string {
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, NormalizeTown(town))
	base := strings.Trim(network+"-"+strings.Trim(slug, "-"), "-")
	if len(base) > 30 { // button data carries ids: keep them short
		base = strings.TrimRight(base[:30], "-")
	}
	id := base
	for n := 2; ; n++ {
		if _, exists := s.d.dir.Centre(id); !exists {
			return id
		}
		id = base + "-" + strconv.Itoa(n)
	}
}

// splitList reads "a, b; c" into its items; the commas of Chinese and
// Arabic count too.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",;\n，、،؛", r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseServices reads service keys ("listening, legal"); "-" alone is
// none.
func ParseServices(s string) ([]string, error) {
	var keys []string
	for _, k := range splitList(strings.ToLower(s)) {
		if k == "-" {
			continue
		}
		if !slices.Contains(ServiceKeys, k) {
			return nil, inputErr(k, "parse.unknown_service")
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// latLonText writes a position as ParseLatLon reads it, to the metre.
func latLonText(lat, lon float64) string { return fmt.Sprintf("%.5f,%.5f", lat, lon) }

// ParseLatLon reads "45.1332, 10.0227".
func ParseLatLon(s string) (lat, lon float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		lat, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
	}
	if ok && err == nil {
		lon, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
	}
	if !ok || err != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 || lat != lat || lon != lon {
		return 0, 0, inputErr(s, "parse.bad_location")
	}
	return lat, lon, nil
}
