package flows

import (
	"frontdoor/flows/directory"
	"slices"
	"strings"
)

// languageChoices are the languages offered as buttons for a centre, the
// most spoken at the centres first; others can be typed.
var languageChoices = []string{"it", "en", "fr", "es", "ar", "ro", "uk", "ru", "sq", "pl", "pt", "zh", "fa", "de"}

// toggleField is a field chosen with buttons, one per option, over a
// pending set kept in her session; typing the values works as well.
type toggleField struct {
	get func(*directory.Centre) []string
	// options are the keys to offer, given the pending set.
	options func(pending []string) []string
	label   func(key string) Text
	perRow  int
}

// toggled are the fields chosen with buttons.
var toggled = map[string]*toggleField{
	"services": {
		get:     func(c *directory.Centre) []string { return c.Services },
		options: func([]string) []string { return directory.ServiceKeys },
		label:   func(k string) Text { return T("service." + k) },
		perRow:  1,
	},
	"languages": {
		get: func(c *directory.Centre) []string { return c.Languages },
		options: func(pending []string) []string {
			out := slices.Clone(languageChoices)
			for _, l := range pending {
				if directory.IsLanguageCode(l) && !slices.Contains(out, l) {
					out = append(out, l)
				}
			}
			return out
		},
		label:  func(k string) Text { return Raw(directory.LanguageName(k)) },
		perRow: 3,
	},
}

// pendingValue writes a set for her session; the leading "-" tells an
// empty set from one not read yet.
func pendingValue(keys []string) string {
	return strings.Join(append([]string{"-"}, keys...), ",")
}

// toggles shows the options of the field asked, marked when in the
// pending set.
func (s staffDialogue) toggles() {
	data := s.d.sess.Data
	field := data[dataField]
	t := toggled[field]
	c, draft := s.target()
	if c == nil || t == nil {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	if data[dataValue] == "" {
		data[dataValue] = pendingValue(t.get(c))
	}
	pending := directory.SplitList(data[dataValue])
	var btns []Button
	for _, key := range t.options(pending) {
		mark := "▫️ "
		if slices.Contains(pending, key) {
			mark = "✅ "
		}
		btns = append(btns, staffButton(T("staff.toggle", "Mark", mark, "Item", t.label(key)), "tog", key))
	}
	cancel := staffButton(T("staff.button_cancel"), "edit", c.ID)
	if draft {
		cancel = staffButton(T("staff.button_cancel"), "menu", "")
	}
	rows := append(grid(btns, t.perRow), []Button{staffButton(T("staff.button_done"), "togdone", ""), cancel})
	s.d.event = "staff_toggles"
	s.reply([]Text{T("staff.toggles_"+field, "Name", c.Name)}, rows...)
}

// toggle adds or removes one option of the pending set.
func (s staffDialogue) toggle(key string) {
	data := s.d.sess.Data
	t := toggled[data[dataField]]
	pending := directory.SplitList(data[dataValue])
	if t == nil || data[dataValue] == "" || !slices.Contains(t.options(pending), key) {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	if i := slices.Index(pending, key); i >= 0 {
		pending = slices.Delete(pending, i, i+1)
	} else {
		pending = append(pending, key)
	}
	data[dataValue] = strings.Join(pending, ",")
	s.toggles()
}

// toggleDone reads the pending set as the field's new value.
func (s staffDialogue) toggleDone() {
	data := s.d.sess.Data
	if toggled[data[dataField]] == nil || data[dataValue] == "" {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	s.fieldValue(data[dataValue])
}
