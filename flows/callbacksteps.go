package flows

import "slices"

// stepRows ends every question: back (when there is a step to go back
// to), cancel, then the emergency numbers, the menu and the exit.
func (d *dialogue) stepRows(step string, rows ...[]Button) [][]Button {
	if back := d.prevStep(step); back != "" {
		rows = append(rows, []Button{{Label: T("button.cb_back"), Data: "cb:b:" + back}})
	}
	return append(rows, []Button{{Label: T("button.cb_cancel"), Data: "cb:x"}}, navRow(true))
}

// prevStep is the question before step: the summary when she is changing
// one answer, nothing before the first.
func (d *dialogue) prevStep(step string) string {
	if step == "summary" {
		if d.langSkipped() {
			return "say"
		}
		return "lang"
	}
	if d.draft(kEdit) == "1" && d.complete() {
		return "summary"
	}
	if i := slices.Index(cbSteps, step); i > 0 {
		return cbSteps[i-1]
	}
	return ""
}

// shown records the question on screen, so that she can come back to it
// from the numbers screen or the menu.
func (d *dialogue) shown(step, state, event string) {
	d.sess.State, d.event = state, event
	d.setDraft(kStep, step)
}

// firstMissing is the first question she has not answered, or "summary".
func (d *dialogue) firstMissing() string {
	for i, k := range []string{kCentre, kPhone, kWin, kMsg, kHere, kSay, kLang} {
		if d.draft(k) == "" {
			return cbSteps[i]
		}
	}
	return "summary"
}

// cbShow shows a question by its step name, for "back", "change" and
// "resume"; a question whose earlier answers are missing (an old or forged
// button) shows the first one missing instead.
func (d *dialogue) cbShow(step string) {
	if d.draft(kCentre) == "" {
		d.unknown()
		return
	}
	if i, j := slices.Index(cbSteps, step), slices.Index(cbSteps, d.firstMissing()); i < 0 || i > j {
		step = d.firstMissing()
	}
	switch step {
	case "centre":
		d.cbCentrePicker()
	case "phone":
		d.cbPhonePrompt()
	case "win":
		d.cbWindowsScreen(nil)
	case "msg":
		d.cbMessagesScreen()
	case "here":
		d.cbHereScreen()
	case "say":
		d.cbSayScreen()
	case "lang":
		d.cbLangScreen()
	default:
		d.cbSummary()
	}
}

// resumeRow is a way back into the request she was writing, for the
// numbers screen: a detour there keeps her answers.
func (d *dialogue) resumeRow() [][]Button {
	if d.draft(kCentre) == "" || d.draft(kStep) == "" {
		return nil
	}
	return [][]Button{{{Label: T("button.cb_resume"), Data: "cb:r"}}}
}

// stale answers a button of a question whose earlier answers are gone (an
// old message, a cancelled request): the first question missing, or the
// menu when there is no request being written. It reports whether it did.
func (d *dialogue) stale(keys ...string) bool {
	for _, k := range append([]string{kCentre}, keys...) {
		if d.draft(k) == "" {
			d.cbShow(d.firstMissing())
			return true
		}
	}
	return false
}

// next shows the summary when she was changing one answer; it reports
// whether it did.
func (d *dialogue) next() bool {
	if d.draft(kEdit) != "1" || !d.complete() {
		return false
	}
	d.cbSummary()
	return true
}
