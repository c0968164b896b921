package flows

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"frontdoor/flows/logattr"
)

// States of the callback request dialogue, one per question.
const (
	stCbCentre  = "cb_centre"  // which centre should call
	stCbPhone   = "cb_phone"   // a safe number
	stCbWindows = "cb_windows" // when it is safe to call
	stCbMsg     = "cb_msg"     // may a voicemail or SMS be left
	stCbSay     = "cb_say"     // what to say if someone else answers
	stCbLang    = "cb_lang"    // the language to be called in
	stCbSummary = "cb_summary" // everything, to confirm or change
	stCbOpen    = "cb_open"    // her pending request is on screen
)

var callbackStates = []string{stCbCentre, stCbPhone, stCbWindows, stCbMsg, stCbSay, stCbLang, stCbSummary, stCbOpen}

// Keys of the answers in Session.Data while she fills in a request.
const (
	kCentre = "cb.centre" // centre id, or "*" + network id
	kPhone  = "cb.phone"  // E.164
	kWin    = "cb.win"    // window keys, comma-separated
	kMsg    = "cb.msg"    // none, vm, sms, both
	kSay    = "cb.say"    // a sayKeys key, or "own"
	kOwn    = "cb.own"    // her own words
	kLang   = "cb.lang"
	kEdit   = "cb.edit" // "1": back to the summary after this answer
)

// maxOwnWords bounds her own words, which operators read aloud.
const maxOwnWords = 80

// maxCentreChoices bounds the centres offered at the first question.
const maxCentreChoices = 5

// windowKeys are the windows offered, in order.
var windowKeys = []string{"today.morning", "today.afternoon", "today.evening", "tomorrow.morning", "tomorrow.afternoon", "tomorrow.evening", "asap"}

// DefaultCallbackEscalate and DefaultCallbackRetention apply when Options
// leave them zero.
const (
	DefaultCallbackEscalate  = 15 * time.Minute
	DefaultCallbackRetention = 7 * 24 * time.Hour
)

type callbackOptions struct {
	store     CallbackStore
	escalate  time.Duration
	retention time.Duration
}

func newCallbackOptions(o Options) callbackOptions {
	c := callbackOptions{store: o.Callbacks, escalate: o.CallbackEscalate, retention: o.CallbackRetention}
	if c.escalate <= 0 {
		c.escalate = DefaultCallbackEscalate
	}
	if c.retention <= 0 {
		c.retention = DefaultCallbackRetention
	}
	return c
}

// save stores the session, and with it in one transaction whatever the
// dialogue decided about callbacks.
func (s *Service) save(ctx context.Context, d *dialogue) error {
	exp := d.now.Add(s.ttl)
	c := d.change
	if s.cb.store == nil || c.empty() {
		return s.sessions.SaveSession(ctx, d.in.Chat, d.sess, exp)
	}
	c.Chat, c.Session, c.Expires = d.in.Chat, &d.sess, exp
	return s.cb.store.Apply(ctx, c)
}

// operators returns the operator chats; a store error offers no callback
// rather than one that cannot be delivered.
func (d *dialogue) operators() []Operator {
	if d.opsLoaded || d.svc.cb.store == nil {
		return d.ops
	}
	d.opsLoaded = true
	ops, err := d.svc.cb.store.Operators(d.ctx)
	if err != nil {
		d.svc.log.LogAttrs(d.ctx, slog.LevelError, "operators load failed", logattr.Event("store_error"), logattr.Op("operators"), logattr.Err(err))
	}
	d.ops = ops
	return ops
}

// reachable says whether a centre ("" for any in network) has operator
// chats that a request would be delivered to.
func reachable(ops []Operator, dir *Directory, centre, network string) bool {
	cb := Callback{Centre: centre, Network: network}
	return slices.ContainsFunc(ops, func(op Operator) bool { return visible(dir, op, cb) })
}

// menuButtons is the main menu, with "call me back" when some centre can.
func (d *dialogue) menuButtons() [][]Button {
	rows := menuButtons()
	if len(d.operators()) == 0 {
		return rows
	}
	last := len(rows) - 1
	return append(rows[:last:last], []Button{{Label: T("button.callback"), Data: "cb"}}, rows[last])
}

// callbackCardRow is the card's "call me back" button, for a centre that
// has operators.
func (d *dialogue) callbackCardRow(c *Centre) [][]Button {
	if !reachable(d.operators(), d.dir, c.ID, c.Network) || len("cb:c:"+c.ID) > maxDataLen {
		return nil
	}
	return [][]Button{{{Label: T("button.callback_centre"), Data: "cb:c:" + c.ID}}}
}

// routeCallback maps "cb:..." button data to an event and action.
func (d *dialogue) routeCallback(arg string) (string, func()) {
	verb, val, _ := strings.Cut(arg, ":")
	switch verb {
	case "":
		return stCbCentre, func() { d.cbStart("") }
	case "c":
		return stCbCentre, func() { d.cbStart(val) }
	case "n":
		return stCbCentre, func() { d.cbStart("*" + val) }
	case "tel":
		return stCbPhone, d.cbPhonePrompt
	case "w":
		return stCbWindows, func() { d.cbToggleWindow(val) }
	case "wok":
		return stCbWindows, d.cbWindowsDone
	case "m":
		return stCbMsg, func() { d.cbMessages(val) }
	case "s":
		return stCbSay, func() { d.cbSay(val) }
	case "l":
		return stCbLang, func() { d.cbLang(val) }
	case "e":
		return stCbSummary, func() { d.cbEdit(val) }
	case "ok":
		return stCbSummary, d.cbConfirm
	case "x":
		return "menu", d.cbCancelDraft
	case "del":
		return "menu", d.cbWithdraw
	}
	return "menu", d.unknown
}

// routeCallbackText reads free text where a question of the request
// expects it: the number, or her own words.
func (d *dialogue) routeCallbackText(text string) (string, func(), bool) {
	switch d.sess.State {
	case stCbPhone:
		ev, act := d.routeCallbackPhone(text)
		return ev, act, true
	case stCbSay:
		return stCbSay, func() { d.cbOwnWords(text) }, true
	}
	return "", nil, false
}

// routeCallbackPhone takes a typed or shared number.
func (d *dialogue) routeCallbackPhone(number string) (string, func()) {
	if d.sess.State != stCbPhone || d.draft(kCentre) == "" {
		return "menu", d.unknown
	}
	if d.in.Kind == KindContact && !strings.HasPrefix(number, "+") {
		// Telegram gives a contact's number with its country code but
		// without the plus.
		number = "+" + number
	}
	return stCbPhone, func() { d.cbPhone(number) }
}

func (d *dialogue) draft(k string) string { return d.sess.Data[k] }

func (d *dialogue) setDraft(k, v string) {
	if d.sess.Data == nil {
		d.sess.Data = map[string]string{}
	}
	d.sess.Data[k] = v
}

// clearDraft forgets the answers of a request being written.
func (d *dialogue) clearDraft() {
	for k := range d.sess.Data {
		if strings.HasPrefix(k, "cb.") {
			delete(d.sess.Data, k)
		}
	}
}

// stepRows ends every question: cancel, then the emergency numbers, the
// menu and the exit.
func stepRows(rows ...[]Button) [][]Button {
	return append(rows, []Button{{Label: T("button.cb_cancel"), Data: "cb:x"}}, navRow(true))
}

// notAvailable is the honest answer when no operator could receive a
// request: the numbers that always answer instead.
func (d *dialogue) notAvailable() {
	d.event = "callback_unavailable"
	d.sess.State = stMenu
	d.clearDraft()
	d.say(Reply{Texts: append([]Text{T("cb.unavailable")}, alwaysOnLines()...), Buttons: [][]Button{navRow(true)}, Protect: true})
}

// myRequest is her request still open, if any.
func (d *dialogue) myRequest() (Callback, bool) {
	if d.svc.cb.store == nil {
		return Callback{}, false
	}
	cb, ok, err := d.svc.cb.store.CallbackOf(d.ctx, d.in.Chat)
	if err != nil {
		d.svc.log.LogAttrs(d.ctx, slog.LevelError, "callbacks load failed", logattr.Event("store_error"), logattr.Op("callback_of"), logattr.Err(err))
		return Callback{}, false
	}
	return cb, ok
}

// cbStart begins a request: for a centre ("" to choose one, "*net" for the
// network's first available operator).
func (d *dialogue) cbStart(target string) {
	if cb, ok := d.myRequest(); ok {
		d.cbShowPending(cb, true)
		return
	}
	ops := d.operators()
	if len(ops) == 0 {
		d.notAvailable()
		return
	}
	// Changing the centre from the summary keeps the other answers.
	editing := d.stateBefore == stCbCentre && d.draft(kEdit) == "1" && d.complete()
	if !editing {
		d.clearDraft()
	}
	if target != "" {
		ok := false
		if net, isNet := strings.CutPrefix(target, "*"); isNet {
			_, found := d.dir.Network(net)
			ok = found && reachable(ops, d.dir, "", net)
		} else if c, found := d.dir.Centre(target); found {
			ok = reachable(ops, d.dir, c.ID, c.Network)
		}
		if !ok {
			d.notAvailable()
			return
		}
		d.setDraft(kCentre, target)
		switch {
		case !editing:
			d.cbPhonePrompt()
		case !slices.Contains(d.callLangs(), d.draft(kLang)):
			d.cbLangScreen()
		default:
			d.cbSummary()
		}
		return
	}
	d.cbCentrePicker()
}

// cbCentrePicker proposes the centres that can call: of her area first,
// open ones first, and "whichever can call first" per network.
func (d *dialogue) cbCentrePicker() {
	d.event = "callback_centre"
	d.sess.State = stCbCentre
	ops := d.operators()
	var centres []*Centre
	for _, c := range d.dir.Centres("") {
		if reachable(ops, d.dir, c.ID, c.Network) {
			centres = append(centres, c)
		}
	}
	rank := func(c *Centre) int {
		r := 0
		if d.sess.Network != "" && c.Network != d.sess.Network {
			r += 2
		}
		if open, _ := c.OpenAt(d.now); !open {
			r++
		}
		return r
	}
	slices.SortStableFunc(centres, func(a, b *Centre) int { return rank(a) - rank(b) })
	centres = centres[:min(len(centres), maxCentreChoices)]
	texts := []Text{T("cb.centre.prompt")}
	var rows [][]Button
	for i, c := range centres {
		texts = append(texts, d.listItem(i+1, c, nil))
		rows = append(rows, []Button{{Label: Raw(c.Name), Data: "cb:c:" + c.ID}})
	}
	for _, n := range d.dir.Networks() {
		if reachable(ops, d.dir, "", n.ID) && (d.sess.Network == "" || d.sess.Network == n.ID) {
			rows = append(rows, []Button{{Label: T("button.cb_first", "Network", n.Name), Data: "cb:n:" + n.ID}})
		}
	}
	d.say(Reply{Texts: texts, Buttons: stepRows(rows...), Protect: true})
}

// cbPhonePrompt asks for a safe number.
func (d *dialogue) cbPhonePrompt() {
	d.event = "callback_phone"
	d.sess.State = stCbPhone
	if d.in.Door == DoorWeb {
		// A page has no account whose number could be shared.
		d.say(Reply{Texts: []Text{T("cb.phone.prompt")}})
	} else {
		d.say(Reply{Texts: []Text{T("cb.phone.prompt"), T("cb.phone.contact_warning")}, AskContact: true})
	}
	d.say(Reply{Texts: []Text{T("cb.phone.or")}, Buttons: stepRows()})
}

func (d *dialogue) cbPhone(number string) {
	e164, err := ParsePhone(number)
	if err != nil {
		d.event = "callback_phone_bad"
		id := "cb.phone.bad"
		if errors.Is(err, errPhoneForeign) {
			id = "cb.phone.foreign"
		}
		d.say(Reply{Texts: []Text{T(id), T("cb.phone.prompt")}, Buttons: stepRows()})
		return
	}
	d.setDraft(kPhone, e164)
	if d.next() {
		return
	}
	d.cbWindowsScreen(nil)
}

// next shows the summary when she was changing one answer; it reports
// whether it did.
func (d *dialogue) next() bool {
	if d.draft(kEdit) != "1" {
		return false
	}
	d.cbSummary()
	return true
}

func (d *dialogue) chosenWindows() []string {
	if w := d.draft(kWin); w != "" {
		return strings.Split(w, ",")
	}
	return nil
}

// cbWindowsScreen shows the windows with the chosen ones ticked.
func (d *dialogue) cbWindowsScreen(notice *Text) {
	d.event = "callback_windows"
	d.sess.State = stCbWindows
	chosen := d.chosenWindows()
	var texts []Text
	if notice != nil {
		texts = append(texts, *notice)
	}
	texts = append(texts, T("cb.windows.prompt"))
	var btns []Button
	for _, k := range windowKeys {
		label := T("cb.win." + k)
		if slices.Contains(chosen, k) {
			label = T("cb.win.chosen", "Label", label)
		}
		btns = append(btns, Button{Label: label, Data: "cb:w:" + k})
	}
	rows := grid(btns, 3)
	rows = append(rows, []Button{{Label: T("button.cb_next"), Data: "cb:wok"}})
	d.say(Reply{Texts: texts, Buttons: stepRows(rows...)})
}

func (d *dialogue) cbToggleWindow(key string) {
	if d.draft(kPhone) == "" {
		d.unknown()
		return
	}
	_, past, ok := windowFor(key, d.now)
	if !ok {
		d.cbWindowsScreen(nil)
		return
	}
	chosen := d.chosenWindows()
	if i := slices.Index(chosen, key); i >= 0 {
		chosen = slices.Delete(chosen, i, i+1)
	} else if past {
		n := T("cb.windows.past")
		d.cbWindowsScreen(&n)
		d.event = "callback_window_past"
		return
	} else {
		chosen = append(chosen, key)
	}
	d.setDraft(kWin, strings.Join(chosen, ","))
	d.cbWindowsScreen(nil)
}

func (d *dialogue) cbWindowsDone() {
	if d.draft(kPhone) == "" {
		d.unknown()
		return
	}
	if len(d.liveWindows()) == 0 {
		n := T("cb.windows.none")
		d.cbWindowsScreen(&n)
		return
	}
	if d.next() {
		return
	}
	d.cbMessagesScreen()
}

// liveWindows are the chosen windows that have not ended yet.
func (d *dialogue) liveWindows() []Window {
	var out []Window
	for _, k := range d.chosenWindows() {
		if w, past, ok := windowFor(k, d.now); ok && !past {
			out = append(out, w)
		}
	}
	return out
}

var msgChoices = []string{"none", "vm", "sms", "both"}

func (d *dialogue) cbMessagesScreen() {
	d.event = "callback_messages"
	d.sess.State = stCbMsg
	d.say(Reply{Texts: []Text{T("cb.msg.prompt")}, Buttons: stepRows(choiceRows("cb.msg.", "cb:m:", msgChoices...)...)})
}

func (d *dialogue) cbMessages(choice string) {
	if d.draft(kPhone) == "" || !slices.Contains(msgChoices, choice) {
		d.unknown()
		return
	}
	d.setDraft(kMsg, choice)
	if d.next() {
		return
	}
	d.cbSayScreen()
}

func (d *dialogue) cbSayScreen() {
	d.event = "callback_say"
	d.sess.State = stCbSay
	rows := choiceRows("cb.say.", "cb:s:", append(slices.Clone(sayKeys), "own")...)
	d.say(Reply{Texts: []Text{T("cb.say.prompt")}, Buttons: stepRows(rows...)})
}

func (d *dialogue) cbSay(key string) {
	if d.draft(kPhone) == "" {
		d.unknown()
		return
	}
	if key == "own" {
		d.event = "callback_say_own"
		d.sess.State = stCbSay
		d.say(Reply{Texts: []Text{T("cb.say.own_prompt", "Max", maxOwnWords)}, Buttons: stepRows()})
		return
	}
	if !slices.Contains(sayKeys, key) {
		d.cbSayScreen()
		return
	}
	d.setDraft(kSay, key)
	delete(d.sess.Data, kOwn)
	if d.next() {
		return
	}
	d.cbLangScreen()
}

func (d *dialogue) cbOwnWords(text string) {
	if d.draft(kPhone) == "" {
		d.unknown()
		return
	}
	if n := len([]rune(text)); n > maxOwnWords {
		d.event = "callback_say_long"
		d.say(Reply{Texts: []Text{T("cb.say.too_long", "Max", maxOwnWords)}, Buttons: stepRows()})
		return
	}
	d.setDraft(kSay, "own")
	d.setDraft(kOwn, text)
	if d.next() {
		return
	}
	d.cbLangScreen()
}

// callLangs are the languages she can be called in: hers, Italian, and
// those spoken at the centre (or the network's centres).
func (d *dialogue) callLangs() []string {
	langs := []string{d.sess.Lang, DefaultLang}
	target := d.draft(kCentre)
	var centres []*Centre
	if net, ok := strings.CutPrefix(target, "*"); ok {
		centres = d.dir.Centres(net)
	} else if c, ok := d.dir.Centre(target); ok {
		centres = []*Centre{c}
	}
	for _, c := range centres {
		langs = append(langs, c.Languages...)
	}
	var out []string
	for _, l := range langs {
		if _, known := Languages[l]; known && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func (d *dialogue) cbLangScreen() {
	d.event = "callback_lang"
	d.sess.State = stCbLang
	var btns []Button
	for _, l := range d.callLangs() {
		btns = append(btns, Button{Label: Raw(LanguageName(l)), Data: "cb:l:" + l})
	}
	d.say(Reply{Texts: []Text{T("cb.lang.prompt")}, Buttons: stepRows(grid(btns, 3)...)})
}

func (d *dialogue) cbLang(code string) {
	if d.draft(kPhone) == "" {
		d.unknown()
		return
	}
	if !slices.Contains(d.callLangs(), code) {
		d.cbLangScreen()
		return
	}
	d.setDraft(kLang, code)
	d.cbSummary()
}

// complete says whether every answer is there.
func (d *dialogue) complete() bool {
	for _, k := range []string{kCentre, kPhone, kWin, kMsg, kSay, kLang} {
		if d.draft(k) == "" {
			return false
		}
	}
	return true
}

// draftTarget is the centre, or the network ("whichever can call first"),
// of the request being drafted.
func (d *dialogue) draftTarget() (centre, network string) {
	t := d.draft(kCentre)
	if net, ok := strings.CutPrefix(t, "*"); ok {
		return "", net
	}
	if c, ok := d.dir.Centre(t); ok {
		return c.ID, c.Network
	}
	return "", ""
}

func (d *dialogue) cbSummary() {
	if !d.complete() {
		d.unknown()
		return
	}
	d.event = "callback_summary"
	d.sess.State = stCbSummary
	d.setDraft(kEdit, "1")
	wins := make([]Text, 0, len(d.chosenWindows()))
	for _, k := range d.chosenWindows() {
		wins = append(wins, T("cb.win."+k))
	}
	say := T("cb.say." + d.draft(kSay))
	if d.draft(kSay) == "own" {
		say = T("cb.say.quoted", "Words", d.draft(kOwn))
	}
	centre, network := d.draftTarget()
	texts := []Text{
		T("cb.summary.title"),
		T("cb.summary.centre", "Centre", d.requestTarget(Callback{Centre: centre, Network: network})),
		T("cb.summary.phone", "Phone", d.draft(kPhone)),
		T("cb.summary.windows", "Windows", wins),
		T("cb.summary.messages", "Messages", T("cb.msg."+d.draft(kMsg))),
		T("cb.summary.say", "Say", say),
		T("cb.summary.lang", "Lang", LanguageName(d.draft(kLang))),
	}
	rows := [][]Button{
		{{Label: T("button.cb_confirm"), Data: "cb:ok"}},
		{{Label: T("button.cb_edit_centre"), Data: "cb:e:centre"}, {Label: T("button.cb_edit_phone"), Data: "cb:e:phone"}},
		{{Label: T("button.cb_edit_windows"), Data: "cb:e:win"}, {Label: T("button.cb_edit_messages"), Data: "cb:e:msg"}},
		{{Label: T("button.cb_edit_say"), Data: "cb:e:say"}, {Label: T("button.cb_edit_lang"), Data: "cb:e:lang"}},
	}
	d.say(Reply{Texts: texts, Buttons: stepRows(rows...), Protect: true})
}

func (d *dialogue) cbEdit(what string) {
	if !d.complete() {
		d.unknown()
		return
	}
	switch what {
	case "centre":
		d.cbCentrePicker()
	case "phone":
		d.cbPhonePrompt()
	case "win":
		d.cbWindowsScreen(nil)
	case "msg":
		d.cbMessagesScreen()
	case "say":
		d.cbSayScreen()
	case "lang":
		d.cbLangScreen()
	default:
		d.cbSummary()
	}
}

// cbConfirm stores the request and queues its cards to the operators in the
// same transaction as her session; the confirmation is shown only if that
// commits (Service.Handle answers with an apology otherwise).
func (d *dialogue) cbConfirm() {
	if !d.complete() {
		d.unknown()
		return
	}
	if cb, ok := d.myRequest(); ok {
		d.cbShowPending(cb, true)
		return
	}
	wins := d.liveWindows()
	if len(wins) != len(d.chosenWindows()) {
		d.setDraft(kWin, "")
		n := T("cb.windows.expired")
		d.cbWindowsScreen(&n)
		return
	}
	cb := Callback{Ticket: newTicket(), Chat: d.in.Chat, Phone: d.draft(kPhone), Windows: wins,
		Say: d.draft(kSay), SayOwn: d.draft(kOwn), Lang: d.draft(kLang), UILang: d.sess.Lang, Created: d.now, Announced: d.now}
	switch m := d.draft(kMsg); m {
	case "vm":
		cb.Voicemail = true
	case "sms":
		cb.SMS = true
	case "both":
		cb.Voicemail, cb.SMS = true, true
	}
	cb.Centre, cb.Network = d.draftTarget()
	chats := targets(d.operators(), d.dir, cb)
	if cb.Network == "" || len(chats) == 0 {
		d.notAvailable()
		return
	}
	d.change.Put = append(d.change.Put, cb)
	d.change.Count = append(d.change.Count, count(d.now, CountRequested, cb.Network, cb.Centre, cb.UILang))
	d.change.Send = append(d.change.Send, announce(chats, d.dir, cb, "op.card.new")...)
	d.clearDraft()
	d.event = "callback_confirmed"
	d.sess.State = stMenu
	d.say(Reply{Texts: []Text{
		T("cb.confirmed.title"),
		T("cb.confirmed.next", "Centre", d.requestTarget(cb)),
		T("cb.confirmed.unknown_number"),
		T("cb.confirmed.if_nobody"),
		T("emergency.1522"),
		T("cb.confirmed.cancel"),
	}, Buttons: d.menuButtons(), Protect: true})
}

// requestTarget names the target of a stored request.
func (d *dialogue) requestTarget(cb Callback) Text {
	if c, ok := d.dir.Centre(cb.Centre); ok {
		return T("cb.target.centre", "Name", c.Name, "Town", c.Town)
	}
	if n, ok := d.dir.Network(cb.Network); ok {
		return T("cb.target.first", "Network", n.Name)
	}
	return Raw("?")
}

// cbShowPending shows her open request, with a way to cancel it.
func (d *dialogue) cbShowPending(cb Callback, second bool) {
	d.event = "callback_pending"
	d.sess.State = stCbOpen
	texts := []Text{T("cb.pending.title")}
	if second {
		texts = append(texts, T("cb.pending.one_at_a_time"))
	}
	wins := make([]Text, 0, len(cb.Windows))
	for _, w := range cb.Windows {
		if w.Key == "asap" {
			wins = append(wins, T("cb.win.asap"))
			continue
		}
		wins = append(wins, T("cb.window.when", "Day", dateText(DateOf(w.Start)), "From", clockOf(w.Start), "To", clockOf(w.End)))
	}
	texts = append(texts, T("cb.summary.centre", "Centre", d.requestTarget(cb)), T("cb.summary.windows", "Windows", wins), T("cb.confirmed.if_nobody"), T("emergency.1522"))
	d.say(Reply{Texts: texts, Buttons: [][]Button{{{Label: T("button.cb_withdraw"), Data: "cb:del"}}, navRow(true)}, Protect: true})
}

// cbCancelDraft drops a request she was writing; nothing was sent.
func (d *dialogue) cbCancelDraft() {
	d.event = "callback_cancelled"
	d.clearDraft()
	d.say(Reply{Texts: []Text{T("cb.cancelled"), T("menu.title")}, Buttons: d.menuButtons()})
}

// withdraw deletes a request and tells its operators, in d.change; /forget
// uses it too.
func (d *dialogue) withdraw(cb Callback) {
	d.change.Delete = append(d.change.Delete, cb.Ticket)
	d.change.Count = append(d.change.Count, count(d.now, CountCancelled, cb.Network, cb.Centre, cb.UILang))
	d.change.Send = append(d.change.Send, editCards(d.svc.cards(d.ctx, cb.Ticket), closedCard("op.card.withdrawn", cb.Ticket))...)
	chats := targets(d.operators(), d.dir, cb)
	if cb.TakenBy != 0 && !slices.Contains(chats, cb.TakenBy) {
		chats = append(chats, cb.TakenBy)
	}
	for _, chat := range chats {
		d.change.Send = append(d.change.Send, Outgoing{Chat: chat, Lang: DefaultLang, Reply: Reply{Texts: []Text{T("op.withdrawn", "Ticket", cb.Ticket)}}})
	}
}

// cbWithdraw deletes her pending request and tells its operators.
func (d *dialogue) cbWithdraw() {
	cb, ok := d.myRequest()
	if !ok {
		d.event = "callback_withdraw_none"
		d.say(Reply{Texts: []Text{T("cb.withdraw.none"), T("menu.title")}, Buttons: d.menuButtons()})
		return
	}
	d.withdraw(cb)
	d.event = "callback_withdrawn"
	d.say(Reply{Texts: []Text{T("cb.withdraw.done"), T("menu.title")}, Buttons: d.menuButtons()})
}

// choiceRows is one button per key, each on its own row, labelled with
// textPrefix+key and sending dataPrefix+key.
func choiceRows(textPrefix, dataPrefix string, keys ...string) [][]Button {
	rows := make([][]Button, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, []Button{{Label: T(textPrefix + k), Data: dataPrefix + k}})
	}
	return rows
}

// grid lays buttons out in rows of n.
func grid(btns []Button, n int) [][]Button {
	var rows [][]Button
	for len(btns) > 0 {
		k := min(n, len(btns))
		rows, btns = append(rows, btns[:k:k]), btns[k:]
	}
	return rows
}

// alwaysOnLines are the numbers that answer at any hour: 1522, then 112.
func alwaysOnLines() []Text { return []Text{T("emergency.1522"), T("emergency.112")} }
