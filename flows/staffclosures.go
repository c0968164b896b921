package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"frontdoor/flows/directory"
)

// errClosureGone: the closure she acts on was changed or removed meanwhile.
var errClosureGone = errors.New("closure gone")

// closures lists the closures of a centre, each with a button to change
// it and one to remove it, and one to add another.
func (s staffDialogue) closures(id string) {
	c, ok := s.editable(id)
	if !ok {
		s.centres()
		return
	}
	s.d.event = "staff_closures"
	s.d.sess.Data = nil
	texts := []Text{T("staff.closures_title", "Name", c.Name)}
	if len(c.Closures) == 0 {
		texts = append(texts, T("staff.closures_none"))
	}
	today := directory.DateOf(s.d.now)
	list := slices.Clone(c.Closures)
	slices.SortStableFunc(list, func(a, b directory.Closure) int { return compareDates(a.From, b.From) })
	var rows [][]Button
	for i, cl := range list {
		item := "staff.closures_item"
		if cl.To.Before(today) {
			item = "staff.closures_item_past"
		}
		texts = append(texts, T(item, "N", i+1, "Closure", closureText(cl)))
		key := c.ID + "/" + closureKey(cl)
		rows = append(rows, []Button{
			staffButton(T("staff.button_closure_edit", "N", i+1), "cledit", key),
			staffButton(T("staff.button_closure_remove", "N", i+1), "clrm", key),
		})
	}
	rows = append(rows, []Button{staffButton(T("staff.button_closure"), "closure", c.ID)},
		[]Button{staffButton(T("staff.button_back_centre"), "edit", c.ID)})
	s.reply(texts, rows...)
}

// askClosure asks her to type a new closure, or a new value for the one
// with key.
func (s staffDialogue) askClosure(id, key string) {
	c, ok := s.editable(id)
	if !ok {
		s.d.sess.State = stStaff
		s.centres()
		return
	}
	s.d.sess.Data = map[string]string{dataCentre: c.ID}
	prompt := T("staff.prompt_closure", "Name", c.Name)
	if key != "" {
		cl, found := findClosure(c, key)
		if !found {
			s.d.sess.State = stStaff
			s.closures(id)
			return
		}
		s.d.sess.Data[dataReplace] = key
		prompt = T("staff.prompt_closure_edit", "Name", c.Name, "Closure", closureText(cl))
	}
	s.d.event = "staff_ask_closure"
	s.reply([]Text{prompt}, []Button{staffButton(T("staff.button_cancel"), "closures", c.ID)})
}

// typedClosure reads the closure she typed and previews it with its years,
// warning about one that is over or more than a year away; she stays on
// the same question, so that typing again corrects it.
func (s staffDialogue) typedClosure(text string) {
	data := s.d.sess.Data
	c, ok := s.editable(data[dataCentre])
	if !ok {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	today := directory.DateOf(s.d.now)
	cl, err := directory.ParseClosure(text, today)
	if err != nil {
		s.inputError(err, T("staff.prompt_again_closure"))
		return
	}
	changed := *c
	changed.Closures = append(withoutClosure(c.Closures, data[dataReplace]), cl)
	raw, _ := json.Marshal(cl) // a Closure always marshals
	data[dataClosure] = string(raw)
	summary := []Text{T("staff.preview_closure", "Name", c.Name), closureText(cl)}
	switch {
	case cl.To.Before(today):
		summary = append(summary, T("staff.closure_past"))
	case directory.Date{Year: today.Year + 1, Month: today.Month, Day: today.Day}.Before(cl.From):
		summary = append(summary, T("staff.closure_far"))
	}
	s.d.event = "staff_preview"
	s.d.say(Reply{Texts: summary})
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&changed, true).Texts...)})
	s.confirm(T("staff.confirm"), "ok", staffButton(T("staff.button_cancel"), "closures", c.ID))
}

// saveClosure adds the previewed closure, or puts it in place of the one
// she was changing.
func (s staffDialogue) saveClosure() {
	data := s.d.sess.Data
	c, ok := s.editable(data[dataCentre])
	var cl directory.Closure
	if !ok || json.Unmarshal([]byte(data[dataClosure]), &cl) != nil {
		s.centres()
		return
	}
	key := data[dataReplace]
	var before string
	err := s.change(c.ID, func(cc *directory.Centre) error {
		if key == "" {
			cc.Closures = append(cc.Closures, cl)
			return nil
		}
		i := slices.IndexFunc(cc.Closures, func(o directory.Closure) bool { return keyOf(o, key) })
		if i < 0 {
			return errClosureGone
		}
		before = closureString(cc.Closures[i])
		cc.Closures[i] = cl
		return nil
	})
	s.d.sess.Data = nil
	if errors.Is(err, errClosureGone) {
		s.closures(c.ID)
		s.prefix(T("staff.closure_gone"))
		return
	}
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, "closure", before, closureString(cl))
	s.closures(c.ID)
	s.d.event = "staff_saved"
	s.prefix(T("staff.saved"))
}

// removeClosure asks, then removes the closure with key.
func (s staffDialogue) removeClosure(id, key string, confirmed bool) {
	c, ok := s.editable(id)
	if !ok {
		s.centres()
		return
	}
	cl, found := findClosure(c, key)
	if !found {
		s.closures(id)
		if confirmed {
			s.prefix(T("staff.closure_gone"))
		}
		return
	}
	if !confirmed {
		s.d.event = "staff_closure_remove_ask"
		s.reply([]Text{T("staff.closure_remove_ask", "Name", c.Name), closureText(cl)},
			[]Button{staffButton(T("staff.button_remove_yes"), "clrmok", id+"/"+key), staffButton(T("staff.button_cancel"), "closures", id)})
		return
	}
	err := s.change(id, func(cc *directory.Centre) error {
		n := len(cc.Closures)
		if cc.Closures = withoutClosure(cc.Closures, key); len(cc.Closures) == n {
			return errClosureGone
		}
		return nil
	})
	if errors.Is(err, errClosureGone) {
		s.closures(id)
		s.prefix(T("staff.closure_gone"))
		return
	}
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, "closure", closureString(cl), "")
	s.closures(id)
	s.d.event = "staff_closure_removed"
	s.prefix(T("staff.closure_removed"))
}

// closureKey names a closure in button data by its first and last day,
// each as the days since 2000 in base 36 ("7ny-7oa"): beside the longest
// id of a centre and the longest verb, the data stays as short as every
// other button's.
func closureKey(c directory.Closure) string { return dayKey(c.From) + "-" + dayKey(c.To) }

// keyEpoch is the day dayKey counts from.
var keyEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// dayKey is a day as the days since 2000, in base 36.
func dayKey(d directory.Date) string {
	days := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Sub(keyEpoch) / (24 * time.Hour)
	return strconv.FormatInt(int64(days), 36)
}

// keyOf tells whether key names closure c: as closureKey does, or as the
// buttons made before it did ("20261224-20270106").
func keyOf(c directory.Closure, key string) bool {
	return key == closureKey(c) ||
		key == fmt.Sprintf("%04d%02d%02d-%04d%02d%02d", c.From.Year, c.From.Month, c.From.Day, c.To.Year, c.To.Month, c.To.Day)
}

// findClosure is the first closure of c with key.
func findClosure(c *directory.Centre, key string) (directory.Closure, bool) {
	i := slices.IndexFunc(c.Closures, func(o directory.Closure) bool { return keyOf(o, key) })
	if i < 0 {
		return directory.Closure{}, false
	}
	return c.Closures[i], true
}

// withoutClosure is a copy of list without the first closure with key
// ("" removes none).
func withoutClosure(list []directory.Closure, key string) []directory.Closure {
	out := slices.Clone(list)
	if i := slices.IndexFunc(out, func(o directory.Closure) bool { return keyOf(o, key) }); i >= 0 && key != "" {
		out = slices.Delete(out, i, i+1)
	}
	return out
}

// closureText says a closure with its years, as staff check it: "from 24
// December 2026 to 6 January 2027: holidays", "on 25 December 2026".
func closureText(cl directory.Closure) Text {
	if cl.From == cl.To {
		return T("staff.closure_day", "Date", dateYearText(cl.From), "Reason", cl.Reason)
	}
	return T("staff.closure_range", "From", dateYearText(cl.From), "To", dateYearText(cl.To), "Reason", cl.Reason)
}

// dateYearText writes a day with its year: "24 dicembre 2026".
func dateYearText(d directory.Date) Text {
	return T("date.day_month_year", "Day", d.Day, "Month", T("month."+d.Month.String()), "Year", d.Year)
}

// compareDates orders two days.
func compareDates(a, b directory.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// closureString writes a closure for the audit trail: "2026-12-24..2027-01-06
// reason". The audit shows it in her language (auditValue).
func closureString(c directory.Closure) string {
	s := c.From.String() + ".." + c.To.String()
	if c.Reason != "" {
		s += " " + c.Reason
	}
	return s
}
