package flows

// about says what happens when she contacts a centre, so that not knowing
// does not keep her from it; and that a worried friend or relative can ask
// too.
func (d *dialogue) about() {
	d.event = "about"
	texts := []Text{T("about.title"), T("about.free"), T("about.listen"), T("about.report"),
		T("about.children"), T("about.someone"), T("emergency.friend")}
	rows := [][]Button{{{Label: T("button.find"), Data: "find"}}, chatRow(), navRow(true)}
	d.say(Reply{Texts: texts, Buttons: rows, Protect: true})
}

// aboutRow is the button to the screen that says what happens when she
// contacts a centre.
func aboutRow() []Button { return []Button{{Label: T("button.about"), Data: "about"}} }
