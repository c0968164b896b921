package flows

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// States of the callback request dialogue, one per question.
const (
	stCbCentre  = "cb_centre"  // which centre should call
	stCbPhone   = "cb_phone"   // a safe number
	stCbWindows = "cb_windows" // when it is safe to call
	stCbTimes   = "cb_times"   // the times she typed, read back to her
	stCbMsg     = "cb_msg"     // may a voicemail or SMS be left
	stCbHere    = "cb_here"    // may we write here if nobody reaches her
	stCbSay     = "cb_say"     // what to say if someone else answers
	stCbLang    = "cb_lang"    // the language to be called in
	stCbSummary = "cb_summary" // everything, to confirm or change
	stCbOpen    = "cb_open"    // her pending request is on screen
)

var callbackStates = []string{stCbCentre, stCbPhone, stCbWindows, stCbTimes, stCbMsg, stCbHere, stCbSay, stCbLang, stCbSummary, stCbOpen}

// cbSteps are the questions of the request in the order she meets them,
// by the names that "back", "resume" and "change" buttons carry.
var cbSteps = []string{"centre", "phone", "win", "msg", "here", "say", "lang", "summary"}

// Keys of the answers in Session.Data while she fills in a request.
const (
	kCentre = "cb.centre" // centre id, or "*" + network id
	kPhone  = "cb.phone"  // E.164
	kWin    = "cb.win"    // window specs (callbackwindows.go), comma-separated
	kTyped  = "cb.typed"  // the specs of typed times, until she confirms them
	kMsg    = "cb.msg"    // none, vm, sms, both
	kHere   = "cb.here"   // yes, no: a message here if nobody reaches her
	kSay    = "cb.say"    // a sayKeys key, or "own"
	kOwn    = "cb.own"    // her own words
	kLang   = "cb.lang"
	kEdit   = "cb.edit"  // "1": back to the summary after this answer
	kStep   = "cb.step"  // the question on screen, to come back to it
	kAgain  = "cb.again" // the ticket of her request whose times passed, replaced by this one
)

// maxOwnWords bounds her own words, which operators read aloud.
const maxOwnWords = 80

// maxCentreChoices bounds the centres offered at the first question.
const maxCentreChoices = 5

// windowKeys are the windows offered, in order.
var windowKeys = []string{"today.morning", "today.afternoon", "today.evening", "tomorrow.morning", "tomorrow.afternoon", "tomorrow.evening", "asap"}

// DefaultCallbackEscalate, DefaultCallbackRetention and
// DefaultCallbackCloseWithin apply when Options leave them zero.
const (
	DefaultCallbackEscalate    = 15 * time.Minute
	DefaultCallbackRetention   = 7 * 24 * time.Hour
	DefaultCallbackCloseWithin = 2 * time.Hour
)

type callbackOptions struct {
	store       CallbackStore
	escalate    time.Duration
	retention   time.Duration
	closeWithin time.Duration
}

func newCallbackOptions(o Options) callbackOptions {
	c := callbackOptions{store: o.Callbacks, escalate: o.CallbackEscalate, retention: o.CallbackRetention,
		closeWithin: o.CallbackCloseWithin}
	if c.escalate <= 0 {
		c.escalate = DefaultCallbackEscalate
	}
	if c.retention <= 0 {
		c.retention = DefaultCallbackRetention
	}
	if c.closeWithin <= 0 {
		c.closeWithin = DefaultCallbackCloseWithin
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
func reachable(ops []Operator, dir *directory.Directory, centre, network string) bool {
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
func (d *dialogue) callbackCardRow(c *directory.Centre) [][]Button {
	if !reachable(d.operators(), d.dir, c.ID, c.Network) {
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
	case "pok":
		return stCbPhone, d.cbKeepPhone
	case "w":
		return stCbWindows, func() { d.cbToggleWindow(val) }
	case "wok":
		return stCbWindows, d.cbWindowsDone
	case "ty":
		return stCbTimes, d.cbTypedYes
	case "tn":
		return stCbTimes, d.cbTypedNo
	case "m":
		return stCbMsg, func() { d.cbMessages(val) }
	case "h":
		return stCbHere, func() { d.cbHere(val) }
	case "s":
		return stCbSay, func() { d.cbSay(val) }
	case "l":
		return stCbLang, func() { d.cbLang(val) }
	case "e", "b":
		return stCbSummary, func() { d.cbShow(val) }
	case "r":
		return stCbSummary, func() { d.cbShow(d.draft(kStep)) }
	case "again":
		return stCbWindows, d.cbAgain
	case "ok":
		return stCbSummary, d.cbConfirm
	case "x":
		return "menu", d.cbCancelDraft
	case "del":
		return "menu", d.cbWithdraw
	}
	return "menu", d.unknown
}

// routeCallbackText reads what she types while a question of the request is
// on screen: the number, times, yes or no, a choice by its words, her own
// words. What cannot be read asks the same question again, with its
// buttons and her answers kept.
func (d *dialogue) routeCallbackText(text string) (string, func(), bool) {
	if d.draft(kCentre) == "" && d.sess.State != stCbCentre {
		return "", nil, false
	}
	st := d.sess.State
	switch st {
	case stCbCentre:
		return st, func() { d.cbTypedCentre(text) }, true
	case stCbPhone:
		ev, act := d.routeCallbackPhone(text)
		return ev, act, true
	case stCbWindows:
		return st, func() {
			d.cbTypedTimes(text, func(err error) {
				d.cbWindowsScreen(nil, timesHint(err))
				d.event = "callback_times_unread"
			})
		}, true
	case stCbTimes:
		return st, func() { d.yesNoOrTimes(text, d.cbTypedYes, d.cbTypedNo, d.cbReadBack, T("cb.hint.yesno")) }, true
	case stCbMsg:
		return st, func() {
			if choice, ok := msgChoice(text); ok {
				d.cbMessages(choice)
				return
			}
			d.cbMessagesScreen(T("cb.hint.buttons"))
		}, true
	case stCbHere:
		return st, func() {
			if yes, ok := yesNo(text); ok {
				choice := "no"
				if yes {
					choice = "yes"
				}
				d.cbHere(choice)
				return
			}
			d.cbHereScreen(T("cb.hint.yesno"))
		}, true
	case stCbSay:
		return st, func() { d.cbOwnWords(text) }, true
	case stCbLang:
		return st, func() {
			if code := matchLang(text, d.callLangs()); code != "" {
				d.cbLang(code)
				return
			}
			d.cbLangScreen(T("cb.hint.buttons"))
		}, true
	case stCbSummary:
		return st, func() {
			d.yesNoOrTimes(text, d.cbConfirm, func() { d.cbSummary(T("cb.hint.change")) }, d.cbSummary, T("cb.hint.change"))
		}, true
	}
	return "", nil, false
}

// routeCallbackPhone takes a typed or shared number.
func (d *dialogue) routeCallbackPhone(number string) (string, func()) {
	if d.sess.State != stCbPhone || d.draft(kCentre) == "" {
		return "menu", d.unknown
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

// notAvailable is the honest answer when no operator could receive a
// request: the numbers that always answer instead.
func (d *dialogue) notAvailable() {
	d.event = "callback_unavailable"
	d.sess.State = stMenu
	d.clearDraft()
	// The numbers stand below two neutral lines, as lock screens show two.
	d.say(Reply{Texts: append([]Text{T("cb.unavailable"), T("emergency.title")}, alwaysOnLines()...),
		Buttons: [][]Button{chatRow(), navRow(true)}, Protect: true})
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
// network's first available operator). A request she was writing goes on
// where she left it, with her answers.
func (d *dialogue) cbStart(target string) {
	if cb, ok := d.myRequest(); ok && cb.Ticket != d.draft(kAgain) {
		d.cbShowPending(cb, true)
		return
	}
	ops := d.operators()
	if len(ops) == 0 {
		d.notAvailable()
		return
	}
	if target == "" {
		if d.draft(kCentre) != "" {
			d.cbShow(d.draft(kStep))
			return
		}
		d.cbCentrePicker()
		return
	}
	ok := false
	if net, isNet := strings.CutPrefix(target, "*"); isNet {
		_, found := d.dir.Network(net)
		ok = found && reachable(ops, d.dir, "", net)
	} else if c, found := d.dir.Published(target); found {
		ok = reachable(ops, d.dir, c.ID, c.Network)
	}
	if !ok {
		d.notAvailable()
		return
	}
	d.setDraft(kCentre, target)
	switch {
	case d.draft(kEdit) == "1" && d.complete():
		if !slices.Contains(d.callLangs(), d.draft(kLang)) {
			d.cbLangScreen()
			return
		}
		d.cbSummary()
	case d.stateBefore == stCbWindows && d.draft(kPhone) != "":
		// "Whichever can call first", offered for times her centre
		// cannot keep.
		d.cbWindowsDone()
	default:
		d.cbPhonePrompt()
	}
}

// cbCentrePicker proposes the centres that can call: of her area first,
// open ones first, and "whichever can call first" per network.
func (d *dialogue) cbCentrePicker(notices ...Text) {
	d.shown("centre", stCbCentre, "callback_centre")
	texts := append(notices, T("cb.centre.prompt"), T("cb.centre.choose"))
	var rows [][]Button
	for i, c := range d.cbCentres() {
		texts = append(texts, d.listItem(i+1, c, nil))
		rows = append(rows, []Button{{Label: Raw(c.Label()), Data: "cb:c:" + c.ID}})
	}
	for _, n := range d.cbNetworks() {
		rows = append(rows, []Button{{Label: T("button.cb_first", "Network", n.Label()), Data: "cb:n:" + n.ID}})
	}
	d.say(Reply{Texts: texts, Buttons: d.stepRows("centre", rows...), Protect: true})
}

// cbCentres are the centres offered at the first question.
func (d *dialogue) cbCentres() []*directory.Centre {
	ops := d.operators()
	var centres []*directory.Centre
	for _, c := range d.dir.Centres("") {
		if reachable(ops, d.dir, c.ID, c.Network) {
			centres = append(centres, c)
		}
	}
	rank := func(c *directory.Centre) int {
		r := 0
		if d.sess.Network != "" && c.Network != d.sess.Network {
			r += 2
		}
		if open, _ := c.OpenAt(d.now); !open {
			r++
		}
		return r
	}
	slices.SortStableFunc(centres, func(a, b *directory.Centre) int { return rank(a) - rank(b) })
	return centres[:min(len(centres), maxCentreChoices)]
}

// cbNetworks are the networks offered as "whichever can call first".
func (d *dialogue) cbNetworks() []directory.Network {
	var out []directory.Network
	for _, n := range d.dir.Networks() {
		if reachable(d.operators(), d.dir, "", n.ID) && (d.sess.Network == "" || d.sess.Network == n.ID) {
			out = append(out, n)
		}
	}
	return out
}

// cbTypedCentre reads a centre she names by its name or town, or
// "whichever" when one network is offered.
func (d *dialogue) cbTypedCentre(text string) {
	if target, ok := matchCentre(text, d.cbCentres(), d.cbNetworks()); ok {
		d.cbStart(target)
		return
	}
	d.cbCentrePicker(T("cb.hint.buttons"))
}

// cbPhonePrompt asks for a safe number; one she gave already can be kept.
func (d *dialogue) cbPhonePrompt() {
	d.shown("phone", stCbPhone, "callback_phone")
	if d.in.Door == DoorWeb {
		// A page has no account whose number could be shared.
		d.say(Reply{Texts: []Text{T("cb.phone.prompt")}})
	} else {
		d.say(Reply{Texts: []Text{T("cb.phone.prompt"), T("cb.phone.contact_warning")}, AskContact: true})
	}
	var rows [][]Button
	if p := d.draft(kPhone); p != "" {
		rows = append(rows, []Button{{Label: T("button.cb_keep_phone", "Phone", p), Data: "cb:pok"}})
	}
	d.say(Reply{Texts: []Text{T("cb.phone.or")}, Buttons: d.stepRows("phone", rows...)})
}

func (d *dialogue) cbPhone(number string) {
	e164, err := ParsePhone(number)
	if err != nil {
		d.event = "callback_phone_bad"
		id := "cb.phone.bad"
		if errors.Is(err, errPhoneForeign) {
			id = "cb.phone.foreign"
		}
		d.say(Reply{Texts: []Text{T(id), T("cb.phone.prompt")}, Buttons: d.stepRows("phone")})
		return
	}
	d.setDraft(kPhone, e164)
	d.cbKeepPhone()
}

// cbKeepPhone goes on with the number she gave.
func (d *dialogue) cbKeepPhone() {
	if d.stale(kPhone) || d.next() {
		return
	}
	d.cbWindowsScreen(nil)
}

var msgChoices = []string{"none", "vm", "sms", "both"}

// choiceRowsTicked is choiceRows with the current choice ticked.
func choiceRowsTicked(textPrefix, dataPrefix, current string, keys ...string) [][]Button {
	rows := choiceRows(textPrefix, dataPrefix, keys...)
	for i, k := range keys {
		if k == current {
			rows[i][0].Label = T("cb.win.chosen", "Label", rows[i][0].Label)
		}
	}
	return rows
}

func (d *dialogue) cbMessagesScreen(notices ...Text) {
	d.shown("msg", stCbMsg, "callback_messages")
	rows := choiceRowsTicked("cb.msg.", "cb:m:", d.draft(kMsg), msgChoices...)
	d.say(Reply{Texts: append(notices, T("cb.msg.prompt")), Buttons: d.stepRows("msg", rows...)})
}

func (d *dialogue) cbMessages(choice string) {
	if d.stale(kPhone, kWin) {
		return
	}
	if !slices.Contains(msgChoices, choice) {
		d.cbMessagesScreen()
		return
	}
	d.setDraft(kMsg, choice)
	if d.next() {
		return
	}
	d.cbHereScreen()
}

// hereChoices answer "may we write here if nobody reaches you".
var hereChoices = []string{"yes", "no"}

// cbHereScreen asks whether she may get one message in this chat if nobody
// reaches her: apart from a voicemail or an SMS on her phone.
func (d *dialogue) cbHereScreen(notices ...Text) {
	d.shown("here", stCbHere, "callback_here")
	rows := choiceRowsTicked("cb.here.", "cb:h:", d.draft(kHere), hereChoices...)
	d.say(Reply{Texts: append(notices, T("cb.here.prompt"), T(d.onDoor("cb.here.what"))), Buttons: d.stepRows("here", rows...)})
}

func (d *dialogue) cbHere(choice string) {
	if d.stale(kPhone, kWin, kMsg) {
		return
	}
	if !slices.Contains(hereChoices, choice) {
		d.cbHereScreen()
		return
	}
	d.setDraft(kHere, choice)
	if d.next() {
		return
	}
	d.cbSayScreen()
}

func (d *dialogue) cbSayScreen() {
	d.shown("say", stCbSay, "callback_say")
	current := d.draft(kSay)
	rows := choiceRowsTicked("cb.say.", "cb:s:", current, append(slices.Clone(sayKeys), "own")...)
	d.say(Reply{Texts: []Text{T("cb.say.prompt")}, Buttons: d.stepRows("say", rows...)})
}

func (d *dialogue) cbSay(key string) {
	if d.stale(kPhone, kWin, kMsg, kHere) {
		return
	}
	if key == "own" {
		d.shown("say", stCbSay, "callback_say_own")
		d.say(Reply{Texts: []Text{T("cb.say.own_prompt", "Max", maxOwnWords)}, Buttons: d.stepRows("say")})
		return
	}
	if !slices.Contains(sayKeys, key) {
		d.cbSayScreen()
		return
	}
	d.setDraft(kSay, key)
	delete(d.sess.Data, kOwn)
	d.afterSay()
}

func (d *dialogue) cbOwnWords(text string) {
	if d.stale(kPhone, kWin, kMsg, kHere) {
		return
	}
	if text == "" {
		d.cbSayScreen()
		return
	}
	if n := len([]rune(text)); n > maxOwnWords {
		d.event = "callback_say_long"
		d.say(Reply{Texts: []Text{T("cb.say.too_long", "Max", maxOwnWords)}, Buttons: d.stepRows("say")})
		return
	}
	d.setDraft(kSay, "own")
	d.setDraft(kOwn, text)
	d.afterSay()
}

// afterSay asks the language of the call, unless the centre speaks hers:
// then it is hers, and she can change it in the summary.
func (d *dialogue) afterSay() {
	if d.next() {
		return
	}
	if d.langSkipped() {
		d.setDraft(kLang, d.sess.Lang)
		d.cbSummary()
		return
	}
	d.cbLangScreen()
}

// targetCentres are the centres that may call for the request being
// written: the one she chose, or those of the network with operators.
func (d *dialogue) targetCentres() []*directory.Centre {
	centre, network := d.draftTarget()
	if c, ok := d.dir.Centre(centre); ok {
		return []*directory.Centre{c}
	}
	var out []*directory.Centre
	for _, c := range d.dir.Centres(network) {
		if reachable(d.operators(), d.dir, c.ID, c.Network) {
			out = append(out, c)
		}
	}
	return out
}

// langSkipped says whether the language question is left out: her
// language is Italian, or one every centre that may call speaks.
func (d *dialogue) langSkipped() bool {
	lang := d.sess.Lang
	if lang == DefaultLang {
		return true
	}
	centres := d.targetCentres()
	return len(centres) > 0 && !slices.ContainsFunc(centres, func(c *directory.Centre) bool { return !slices.Contains(c.Languages, lang) })
}

// callLangs are the languages she can be called in: hers, Italian, and
// those spoken at the centre (or the network's centres).
func (d *dialogue) callLangs() []string {
	langs := []string{d.sess.Lang, DefaultLang}
	for _, c := range d.targetCentres() {
		langs = append(langs, c.Languages...)
	}
	var out []string
	for _, l := range langs {
		if _, known := directory.Languages[l]; known && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func (d *dialogue) cbLangScreen(notices ...Text) {
	d.shown("lang", stCbLang, "callback_lang")
	var btns []Button
	for _, l := range d.callLangs() {
		label := Raw(directory.LanguageName(l))
		if l == d.draft(kLang) {
			label = T("cb.win.chosen", "Label", label)
		}
		btns = append(btns, Button{Label: label, Data: "cb:l:" + l})
	}
	d.say(Reply{Texts: append(notices, T("cb.lang.prompt")), Buttons: d.stepRows("lang", grid(btns, 3)...)})
}

func (d *dialogue) cbLang(code string) {
	if d.stale(kPhone, kWin, kMsg, kHere, kSay) {
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
func (d *dialogue) complete() bool { return d.firstMissing() == "summary" }

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

// cbSummary shows every answer to confirm or change. Its second line is
// her times, with their hours: neutral where a lock screen shows it.
func (d *dialogue) cbSummary(notices ...Text) {
	if !d.complete() {
		d.cbShow(d.firstMissing())
		return
	}
	if bad := d.cannotCall(d.liveWindows()); len(bad) > 0 {
		d.nobody(bad)
		return
	}
	d.shown("summary", stCbSummary, "callback_summary")
	d.setDraft(kEdit, "1")
	say := T("cb.say." + d.draft(kSay))
	if d.draft(kSay) == "own" {
		say = T("cb.say.quoted", "Words", d.draft(kOwn))
	}
	centre, network := d.draftTarget()
	texts := append(notices,
		T("cb.summary.title"),
		T("cb.summary.windows", "Windows", windowTexts(d.draftWindows(), d.now)),
		T("cb.summary.centre", "Centre", d.requestTarget(Callback{Centre: centre, Network: network})),
		T("cb.summary.phone", "Phone", d.draft(kPhone)),
		T("cb.summary.messages", "Messages", T("cb.msg."+d.draft(kMsg))),
		T("cb.summary.here", "Here", T("cb.here."+d.draft(kHere))),
		T("cb.summary.say", "Say", say),
		T("cb.summary.lang", "Lang", directory.LanguageName(d.draft(kLang))),
	)
	rows := [][]Button{
		{{Label: T("button.cb_confirm"), Data: "cb:ok"}},
		{{Label: T("button.cb_edit_windows"), Data: "cb:e:win"}, {Label: T("button.cb_edit_centre"), Data: "cb:e:centre"}},
		{{Label: T("button.cb_edit_phone"), Data: "cb:e:phone"}, {Label: T("button.cb_edit_messages"), Data: "cb:e:msg"}},
		{{Label: T("button.cb_edit_here"), Data: "cb:e:here"}, {Label: T("button.cb_edit_say"), Data: "cb:e:say"}},
		{{Label: T("button.cb_edit_lang"), Data: "cb:e:lang"}},
	}
	d.say(Reply{Texts: texts, Buttons: d.stepRows("summary", rows...), Protect: true})
}

// cbConfirm stores the request and queues its cards to the operators in the
// same transaction as her session; the confirmation is shown only if that
// commits (Service.Handle answers with an apology otherwise).
func (d *dialogue) cbConfirm() {
	if d.stale() {
		return
	}
	if !d.complete() {
		d.cbShow(d.firstMissing())
		return
	}
	var replaced *Callback
	if cb, ok := d.myRequest(); ok {
		if cb.Ticket != d.draft(kAgain) || !d.over(cb) {
			d.cbShowPending(cb, true)
			return
		}
		replaced = &cb
	}
	wins := d.liveWindows()
	if len(wins) != len(d.chosenWindows()) {
		d.setDraft(kWin, "")
		d.cbWindowsScreen(nil, T("cb.windows.expired"))
		return
	}
	if bad := d.cannotCall(wins); len(bad) > 0 {
		d.nobody(bad)
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
	cb.Here = ConsentNo
	if d.draft(kHere) == "yes" {
		cb.Here = ConsentYes
	}
	cb.Centre, cb.Network = d.draftTarget()
	chats := targets(d.operators(), d.dir, cb)
	if cb.Network == "" || len(chats) == 0 {
		d.notAvailable()
		return
	}
	if replaced != nil {
		d.withdraw(*replaced)
	}
	d.change.Put = append(d.change.Put, cb)
	d.change.Count = append(d.change.Count, count(d.now, CountRequested, cb.Network, cb.Centre, cb.UILang))
	d.change.Send = append(d.change.Send, announce(chats, d.dir, cb, "op.card.new")...)
	d.clearDraft()
	d.event = "callback_confirmed"
	d.sess.State = stMenu
	texts := []Text{
		T("cb.confirmed.title"),
		T("cb.summary.windows", "Windows", windowTexts(wins, d.now)),
		T("cb.confirmed.next", "Centre", d.requestTarget(cb)),
		T("cb.confirmed.unknown_number"),
	}
	if cb.Here == ConsentYes {
		texts = append(texts, T("cb.confirmed.tell_here"))
	}
	texts = append(texts, T("cb.confirmed.if_nobody"), T("emergency.1522"), T("cb.confirmed.cancel"))
	d.say(Reply{Texts: texts, Buttons: d.menuButtons(), Protect: true})
}

// over says whether every window of a request has ended.
func (d *dialogue) over(cb Callback) bool { return !cb.lastEnd().After(d.now) }

// requestTarget names the target of a stored request.
func (d *dialogue) requestTarget(cb Callback) Text {
	if c, ok := d.dir.Centre(cb.Centre); ok {
		return T("cb.target.centre", "Name", c.Label(), "Town", c.Town)
	}
	if n, ok := d.dir.Network(cb.Network); ok {
		return T("cb.target.first", "Network", n.Label())
	}
	return Raw("?")
}

// cbShowPending shows her open request, with a way to cancel it, and to ask
// again once its times have passed.
func (d *dialogue) cbShowPending(cb Callback, second bool) {
	d.event = "callback_pending"
	d.sess.State = stCbOpen
	texts := []Text{T("cb.pending.title")}
	if second {
		texts = append(texts, T("cb.pending.one_at_a_time"))
	}
	texts = append(texts, T("cb.summary.windows", "Windows", windowTexts(cb.Windows, d.now)))
	var rows [][]Button
	if d.over(cb) {
		texts = append(texts, T("cb.pending.over"))
		rows = append(rows, []Button{{Label: T("button.cb_again"), Data: "cb:again"}})
	}
	texts = append(texts, T("cb.summary.centre", "Centre", d.requestTarget(cb)), T("cb.confirmed.if_nobody"), T("emergency.1522"))
	rows = append(rows, []Button{{Label: T("button.cb_withdraw"), Data: "cb:del"}}, navRow(true))
	d.say(Reply{Texts: texts, Buttons: rows, Protect: true})
}

// cbAgain starts a new request with new times in place of hers whose times
// passed, with her other answers as they were.
func (d *dialogue) cbAgain() {
	cb, ok := d.myRequest()
	if !ok {
		d.cbStart("")
		return
	}
	if !d.over(cb) {
		d.cbShowPending(cb, true)
		return
	}
	d.clearDraft()
	target := cb.Centre
	if target == "" {
		target = "*" + cb.Network
	}
	here := "no"
	if cb.tellHere() {
		here = "yes"
	}
	for k, v := range map[string]string{kCentre: target, kPhone: cb.Phone, kMsg: cb.messages(), kHere: here, kSay: cb.Say, kOwn: cb.SayOwn,
		kLang: cb.Lang, kAgain: cb.Ticket, kEdit: "1"} {
		if v != "" {
			d.setDraft(k, v)
		}
	}
	d.cbWindowsScreen(nil, T("cb.again.intro"))
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
	withdrawn := closedCard("op.card.withdrawn", cb.Ticket)
	d.change.Send = append(d.change.Send, editCards(d.svc.cards(d.ctx, cb.Ticket), withdrawn, &withdrawn)...)
	chats := targets(d.operators(), d.dir, cb)
	if cb.TakenBy != 0 && !slices.Contains(chats, cb.TakenBy) {
		chats = append(chats, cb.TakenBy)
	}
	for _, chat := range chats {
		d.change.Send = append(d.change.Send, toOperators(chat, Reply{Texts: []Text{T("op.withdrawn", "Ticket", cb.Ticket)}}))
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
