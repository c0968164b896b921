package flows

import (
	"frontdoor/flows/directory"
	"time"
)

// askHours starts typing the week of a centre.
func (s staffDialogue) askHours(id string) {
	c, ok := s.editable(id)
	if !ok {
		s.d.sess.State = stStaff
		s.centres()
		return
	}
	s.d.event = "staff_ask_hours"
	s.d.sess.Data = map[string]string{dataCentre: c.ID}
	s.reply([]Text{T("staff.prompt_hours", "Name", c.Name)})
}

// typedHours reads the week she typed and previews it; she stays on the
// same question, so that typing again corrects it.
func (s staffDialogue) typedHours(text string) {
	c, ok := s.editable(s.d.sess.Data[dataCentre])
	if !ok {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	w, err := directory.ParseWeek(text)
	if err != nil {
		s.inputError(err, T("staff.prompt_again_hours"))
		return
	}
	changed := *c
	changed.Hours = w
	s.d.sess.Data[dataHours] = text
	s.d.event = "staff_preview"
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_hours", "Name", c.Name)}, weekLines(w)...)})
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&changed, true).Texts...)})
	s.confirm(T("staff.confirm"), "ok", staffButton(T("staff.button_cancel"), "edit", c.ID))
}

// saveHours applies the previewed week in one transaction, records it in
// the audit trail and puts the new directory in use at once.
func (s staffDialogue) saveHours() {
	data := s.d.sess.Data
	c, ok := s.editable(data[dataCentre])
	w, err := directory.ParseWeek(data[dataHours])
	if !ok || err != nil {
		s.centres()
		return
	}
	var before string
	err = s.change(c.ID, func(cc *directory.Centre) error {
		before = directory.WeekString(cc.Hours)
		cc.Hours = w
		return nil
	})
	s.d.sess.Data = nil
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, "hours", before, directory.WeekString(w))
	s.d.event = "staff_saved"
	s.edit(c.ID)
	s.prefix(T("staff.saved"))
}

// weekLines shows a week as a table, one weekday a line, Monday first.
func weekLines(w directory.Week) []Text {
	lines := make([]Text, 0, 7)
	for i := 1; i <= 7; i++ {
		day := time.Weekday(i % 7)
		if len(w[day]) == 0 {
			lines = append(lines, T("staff.day_closed", "Day", weekdayText(day)))
			continue
		}
		lines = append(lines, T("staff.day_hours", "Day", weekdayText(day), "Hours", directory.SlotsText(w[day])))
	}
	return lines
}
