package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"frontdoor/flows/directory"
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
// addSteps the fields a new centre is asked for, in order: typed fields of
// directory.Fields, by their names.
var (
	editFields = []string{"name", "short_name", "town", "address", "phones", "towns", "languages", "lat", "services"}
	addSteps   = []string{"name", "town", "address", "lat", "phones", "towns", "languages"}
)

// askField asks for one field of an existing centre (id) or of the new
// centre in her session (id == "").
func (s staffDialogue) askField(id, field string) {
	if f, ok := directory.FieldNamed(field); ok {
		field = f.Name // a button of before the fields took the file's names
	}
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
	if field == "lat" {
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
		text = directory.LatLonText(s.d.in.Lat, s.d.in.Lon)
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
	f, _ := directory.FieldNamed(data[dataField])
	field := f.Name
	c, draft := s.target()
	if c == nil {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	data[dataField] = field // the file's name, in a session of before
	changed := *c
	if err := f.Set(&changed, text); err != nil {
		s.inputError(err, T("staff.field_example_"+field))
		return
	}
	if t := toggled[field]; t != nil {
		text = pendingValue(t.get(&changed))
	}
	if directory.Coarsen(&changed) && field == "lat" {
		text = directory.LatLonText(changed.Lat, changed.Lon) // her session keeps no more than the store
	}
	data[dataValue] = text
	if draft {
		s.draftNext(changed)
		return
	}
	if err := checkCentre(s.d.dir.Data(), changed); err != nil {
		why := directory.Problems(err)[0].Why
		s.inputError(&directory.InputError{Part: text, ID: why.ID, Data: why.Data}, T("staff.field_example_"+field))
		return
	}
	s.d.event = "staff_preview"
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&changed, true).Texts...)})
	s.confirm(T("staff.confirm"), "fieldok", staffButton(T("staff.button_cancel"), "edit", c.ID))
	if note, ok := coarseNote(&changed); ok && (field == "lat" || field == "address") {
		s.prefix(note)
	}
}

// coarseNote tells a volunteer that the exact position of a centre whose
// address is confidential is not kept, and which comune stands for it.
func coarseNote(c *directory.Centre) (Text, bool) {
	p := directory.CoarsePlace(c)
	if p == nil {
		return Text{}, false
	}
	return T("staff.coarse_position", "Town", p.Label()), true
}

// target is the centre being edited, or the draft of a new one.
func (s staffDialogue) target() (*directory.Centre, bool) {
	if raw := s.d.sess.Data[dataDraft]; raw != "" {
		var c directory.Centre
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

// checkCentre validates a directory in which c replaces (or joins) the
// centre of the same id.
func checkCentre(d directory.Data, c directory.Centre) error {
	i := slices.IndexFunc(d.Centres, func(o directory.Centre) bool { return o.ID == c.ID })
	if i < 0 {
		d.Centres = append(d.Centres, c)
	} else {
		d.Centres = append(slices.Clone(d.Centres[:i]), append([]directory.Centre{c}, d.Centres[i+1:]...)...)
	}
	_, err := directory.New(d)
	return err
}

// saveField stores the previewed field edit, or the network's line.
func (s staffDialogue) saveField() {
	data := s.d.sess.Data
	if data[dataNetwork] != "" {
		s.saveLine()
		return
	}
	f, known := directory.FieldNamed(data[dataField])
	value := data[dataValue]
	c, ok := s.editable(data[dataCentre])
	if !ok || value == "" || !known {
		s.centres()
		return
	}
	s.d.sess.Data = nil
	var before string
	err := s.change(c.ID, func(cc *directory.Centre) error {
		before = f.Text(cc)
		return f.Set(cc, value)
	})
	if err != nil {
		s.failed(err)
		return
	}
	now, _ := s.d.dir.Centre(c.ID)
	s.audited(c, f.Name, before, f.Text(now))
	s.edit(c.ID)
	s.d.event = "staff_saved"
	s.prefix(T("staff.saved"))
}

// startAdd begins a new centre in a network she may edit.
func (s staffDialogue) startAdd(network string) {
	if _, ok := s.d.dir.Network(network); !ok || !s.me.has(RoleVolunteer, network) {
		s.centres()
		return
	}
	draft, _ := json.Marshal(directory.Centre{Network: network})
	s.d.sess.Data = map[string]string{dataDraft: string(draft)}
	s.askField("", addSteps[0])
}

// draftNext stores the draft and asks the next step, or previews it.
func (s staffDialogue) draftNext(c directory.Centre) {
	field := s.d.sess.Data[dataField]
	if field == "town" && c.ID == "" {
		c.ID = s.newCentreID(c.Network, c.Town)
	}
	directory.Coarsen(&c)
	raw, _ := json.Marshal(c)
	s.d.sess.Data[dataDraft] = string(raw)
	if i := slices.Index(addSteps, field); i >= 0 && i+1 < len(addSteps) {
		s.askField("", addSteps[i+1])
		return
	}
	if err := checkCentre(s.d.dir.Data(), c); err != nil {
		s.d.sess.State = stStaff
		s.reply([]Text{T("staff.add_invalid", "Reason", ProblemText(directory.Problems(err)[0]))})
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
	err := s.updateDirectory(func(dd *directory.Data) error {
		if slices.ContainsFunc(dd.Centres, func(o directory.Centre) bool { return o.ID == c.ID }) {
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
	next.Centres = slices.DeleteFunc(next.Centres, func(o directory.Centre) bool { return o.ID == id })
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
	err := s.updateDirectory(func(dd *directory.Data) error {
		dd.Centres = slices.DeleteFunc(dd.Centres, func(o directory.Centre) bool { return o.ID == id })
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
	}, directory.Normalize(town))
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
