package flows

import (
	"fmt"
	"frontdoor/flows/directory"
	"slices"
	"strings"
)

// noLine are the words that remove a network's 24/7 line.
var noLine = map[string]bool{"-": true, "nessuno": true, "nessuna": true, "niente": true, "none": true, "no": true}

// askLine asks for the number of a network that always answers, shown to
// women when every centre of the network is closed.
func (s staffDialogue) askLine(network string) {
	n, ok := s.d.dir.Network(network)
	if !ok || !s.me.has(RoleVolunteer, network) {
		s.d.sess.State = stStaff
		s.centres()
		return
	}
	s.d.sess.Data = map[string]string{dataNetwork: n.ID}
	s.d.event = "staff_ask_line"
	current := T("staff.line_none")
	if n.Phone24h != "" {
		current = Raw(directory.PhoneText(n.Phone24h))
	}
	s.reply([]Text{T("staff.line_prompt", "Network", n.Name, "Current", current), T("staff.line_example")},
		[]Button{staffButton(T("staff.button_cancel"), "centres", "")})
}

// lineInput reads the line she typed and previews what women will read.
func (s staffDialogue) lineInput(text string) {
	data := s.d.sess.Data
	n, ok := s.d.dir.Network(data[dataNetwork])
	if !ok || !s.me.has(RoleVolunteer, n.ID) {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	phone, err := parseLine(text)
	if err != nil {
		s.inputError(err, T("staff.line_example"))
		return
	}
	data[dataValue] = phone
	preview := T("staff.line_removed", "Network", n.Name)
	if phone != "-" {
		preview = T("card.line24", "Network", n.Name, "Phone", directory.PhoneText(phone))
	}
	s.d.event = "staff_preview"
	s.confirm(T("staff.line_preview", "Line", preview), "fieldok", staffButton(T("staff.button_cancel"), "centres", ""))
}

// parseLine reads one phone number, or a word for none ("-").
func parseLine(text string) (string, error) {
	if noLine[strings.ToLower(strings.TrimSpace(text))] {
		return "-", nil
	}
	phones, err := directory.ParsePhones(text)
	if err != nil {
		return "", err
	}
	if len(phones) > 1 {
		return "", directory.NewInputError(text, "parse.one_phone")
	}
	return phones[0], nil
}

// saveLine stores the previewed line of the network.
func (s staffDialogue) saveLine() {
	data := s.d.sess.Data
	id, phone := data[dataNetwork], data[dataValue]
	s.d.sess.Data = nil
	if phone == "" || !s.me.has(RoleVolunteer, id) {
		s.centres()
		return
	}
	if phone == "-" {
		phone = ""
	}
	var before string
	err := s.updateDirectory(func(dd *directory.Data) error {
		i := slices.IndexFunc(dd.Networks, func(n directory.Network) bool { return n.ID == id })
		if i < 0 {
			return fmt.Errorf("network %q is gone", id)
		}
		before = dd.Networks[i].Phone24h
		dd.Networks[i].Phone24h = phone
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	s.record(AuditEntry{Network: id, Subject: id, Field: "phone_24h", Before: before, After: phone})
	s.centres()
	s.d.event = "staff_saved"
	s.prefix(T("staff.saved"))
}
