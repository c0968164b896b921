package flows

import (
	"errors"
	"frontdoor/flows/directory"
	"slices"
	"strings"
)

// chosenWindows are the specs of the windows she chose; keys of drafts
// written before specs are read as specs.
func (d *dialogue) chosenWindows() []string {
	var out []string
	for spec := range strings.SplitSeq(d.draft(kWin), ",") {
		if w, ok := parseWindowSpec(spec, d.now); ok {
			out = append(out, windowSpec(w))
		}
	}
	return out
}

// cbWindowsScreen shows the windows with their hours, the chosen ones
// ticked: today's and tomorrow's side by side, part by part.
func (d *dialogue) cbWindowsScreen(extra [][]Button, notices ...Text) {
	d.shown("win", stCbWindows, "callback_windows")
	chosen := d.chosenWindows()
	button := func(w Window) Button {
		spec := windowSpec(w)
		label := windowText(w, d.now)
		if slices.Contains(chosen, spec) {
			label = T("cb.win.chosen", "Label", label)
		}
		return Button{Label: label, Data: "cb:w:" + spec}
	}
	var rows [][]Button
	offered := offeredWindows(d.now)
	for _, p := range dayParts {
		var row []Button
		for _, w := range offered {
			if part, ok := windowPart(w); ok && part == p.key && w.Key != asapKey {
				row = append(row, button(w))
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	for _, w := range offered {
		if w.Key == asapKey {
			rows = append(rows, []Button{button(w)})
		}
	}
	// Times she typed that no button offers, so that she can take them away.
	for _, spec := range chosen {
		if w, ok := parseWindowSpec(spec, d.now); ok && !slices.ContainsFunc(offered, func(o Window) bool { return windowSpec(o) == spec }) {
			rows = append(rows, []Button{button(w)})
		}
	}
	rows = append(rows, []Button{{Label: T("button.cb_next"), Data: "cb:wok"}})
	rows = append(rows, extra...)
	texts := append(notices, T("cb.windows.prompt"), T("cb.windows.type"))
	d.say(Reply{Texts: texts, Buttons: d.stepRows("win", rows...)})
}

func (d *dialogue) cbToggleWindow(spec string) {
	if d.stale(kPhone) {
		return
	}
	w, ok := parseWindowSpec(spec, d.now)
	if day := directory.DateOf(w.Start); !ok || w.Key != asapKey && day != directory.DateOf(d.now) && day != directory.DateOf(d.now).AddDays(1) {
		d.cbWindowsScreen(nil)
		return
	}
	spec = windowSpec(w)
	chosen := d.chosenWindows()
	if i := slices.Index(chosen, spec); i >= 0 {
		chosen = slices.Delete(chosen, i, i+1)
	} else if !w.End.After(d.now) {
		d.cbWindowsScreen(nil, T("cb.windows.past"))
		d.event = "callback_window_past"
		return
	} else {
		chosen = append(chosen, spec)
	}
	d.setDraft(kWin, strings.Join(chosen, ","))
	d.cbWindowsScreen(nil)
}

// cbWindowsDone goes on once she chose her windows, if someone can call in
// each of them.
func (d *dialogue) cbWindowsDone() {
	if d.stale(kPhone) {
		return
	}
	wins := d.liveWindows()
	if len(wins) == 0 {
		d.setDraft(kWin, "")
		d.cbWindowsScreen(nil, T("cb.windows.none"))
		return
	}
	if bad := d.cannotCall(wins); len(bad) > 0 {
		d.nobody(bad)
		return
	}
	if d.next() {
		return
	}
	d.cbMessagesScreen()
}

// liveWindows are the chosen windows that have not ended yet, in time
// order.
func (d *dialogue) liveWindows() []Window {
	return slices.DeleteFunc(d.draftWindows(), func(w Window) bool { return !w.End.After(d.now) })
}

// cannotCall are the windows of wins in which nobody can call her for the
// request being written.
func (d *dialogue) cannotCall(wins []Window) []Window {
	centre, network := d.draftTarget()
	var bad []Window
	for _, w := range wins {
		if !canCall(d.dir, d.operators(), centre, network, w, d.now) {
			bad = append(bad, w)
		}
	}
	return bad
}

// nobody tells her in which of her windows nobody can call, before she
// confirms: with the times that work, and "whichever can call first" when
// that would keep hers.
func (d *dialogue) nobody(bad []Window) {
	centre, network := d.draftTarget()
	ops := d.operators()
	notices := []Text{T("cb.windows.nobody", "Windows", windowTexts(bad, d.now))}
	var works []Window
	for _, w := range offeredWindows(d.now) {
		if canCall(d.dir, ops, centre, network, w, d.now) {
			works = append(works, w)
		}
	}
	if len(works) > 0 {
		notices = append(notices, T("cb.windows.works", "Windows", windowTexts(works[:min(len(works), 3)], d.now)))
	} else {
		notices = append(append(notices, T("cb.windows.none_works")), alwaysOnLines()...)
	}
	var extra [][]Button
	if n, ok := d.dir.Network(network); ok && centre != "" && !slices.ContainsFunc(bad, func(w Window) bool {
		return !canCall(d.dir, ops, "", network, w, d.now)
	}) {
		extra = append(extra, []Button{{Label: T("button.cb_first", "Network", n.Label()), Data: "cb:n:" + network}})
	}
	d.cbWindowsScreen(extra, notices...)
	d.event = "callback_windows_nobody"
}

// cbTypedTimes reads times she typed and reads them back to her; otherwise
// is told why nothing could be read.
func (d *dialogue) cbTypedTimes(text string, otherwise func(error)) {
	if d.stale(kPhone) {
		return
	}
	wins, err := ParseTimes(text, d.now)
	if err != nil {
		otherwise(err)
		return
	}
	specs := make([]string, len(wins))
	for i, w := range wins {
		specs[i] = windowSpec(w)
	}
	d.setDraft(kTyped, strings.Join(specs, ","))
	d.cbReadBack()
}

// timesHint says why typed times could not be read.
func timesHint(err error) Text {
	switch {
	case errors.Is(err, errTimesHours):
		return T("cb.hint.hours", "From", callDayStart.Short(), "To", callDayEnd.Short())
	case errors.Is(err, errTimesFar):
		return T("cb.hint.far")
	case errors.Is(err, errTimesPast):
		return T("cb.windows.past")
	}
	return T("cb.hint.times")
}

// cbReadBack shows the times she typed as windows with their hours, to
// confirm; times nobody can keep are said at once instead.
func (d *dialogue) cbReadBack(notices ...Text) {
	var wins []Window
	for spec := range strings.SplitSeq(d.draft(kTyped), ",") {
		if w, ok := parseWindowSpec(spec, d.now); ok && w.End.After(d.now) {
			wins = append(wins, w)
		}
	}
	if len(wins) == 0 {
		d.cbTypedNo()
		return
	}
	if bad := d.cannotCall(wins); len(bad) > 0 {
		// Her times stay ticked, to take away or keep with another centre.
		d.setDraft(kWin, d.draft(kTyped))
		delete(d.sess.Data, kTyped)
		d.nobody(bad)
		return
	}
	d.shown("win", stCbTimes, "callback_times_read")
	texts := append(notices, T("cb.times.read", "Windows", windowTexts(wins, d.now)), T("cb.times.ok"))
	rows := [][]Button{{{Label: T("button.cb_yes"), Data: "cb:ty"}, {Label: T("button.cb_no_choose"), Data: "cb:tn"}}}
	d.say(Reply{Texts: texts, Buttons: d.stepRows("", rows...)})
}

// cbTypedYes takes the times read back as her windows.
func (d *dialogue) cbTypedYes() {
	typed := d.draft(kTyped)
	if typed == "" {
		d.cbShow("win")
		return
	}
	d.setDraft(kWin, typed)
	delete(d.sess.Data, kTyped)
	d.cbWindowsDone()
}

// cbTypedNo drops the times read back; she chooses with the buttons.
func (d *dialogue) cbTypedNo() {
	delete(d.sess.Data, kTyped)
	d.cbShow("win")
}

// draftWindows are her chosen windows, ended or not, in time order.
func (d *dialogue) draftWindows() []Window {
	var out []Window
	for _, spec := range d.chosenWindows() {
		if w, ok := parseWindowSpec(spec, d.now); ok {
			out = append(out, w)
		}
	}
	slices.SortStableFunc(out, func(a, b Window) int { return a.Start.Compare(b.Start) })
	return out
}

// yesNoOrTimes reads what she types where a yes or no is asked, and where
// typed times are understood too (they are read back to her): again shows
// the same screen with a hint, unread when the text is neither.
func (d *dialogue) yesNoOrTimes(text string, yes, no func(), again func(...Text), unread Text) {
	switch y, ok := yesNo(text); {
	case ok && y:
		yes()
	case ok:
		no()
	default:
		d.cbTypedTimes(text, func(err error) {
			hint := timesHint(err)
			if errors.Is(err, errTimesUnread) {
				hint = unread
			}
			again(hint)
		})
	}
}
