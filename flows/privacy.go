package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"frontdoor/flows/logattr"
)

// DefaultIdleWipe is how long after her last message the conversation is
// wiped when she has not chosen otherwise.
const DefaultIdleWipe = 30 * time.Minute

// idleChoices are the idle-wipe delays she can pick, in minutes. A fixed
// list keeps button data short and makes forged data harmless; -1 is off.
var idleChoices = []int{5, 15, 30, 60, 180, 720, idleOff}

// idleOff in Session.Idle means she turned the idle wipe off.
const idleOff = -1

// Forgetter deletes what one kind of data keeps about a chat. /forget calls
// every registered Forgetter after her confirmation (Options.Forgetters),
// so that data added later (a callback request, an outbox message) is
// deleted with the rest without the dialogue knowing its shape. Deleting
// nothing is not an error.
type Forgetter interface {
	Forget(ctx context.Context, chat int64) error
}

// idleWipe is the idle-wipe delay of a session; 0 means off.
func (s *Service) idleWipe(sess Session) time.Duration {
	switch {
	case sess.Idle == idleOff:
		return 0
	case sess.Idle > 0:
		return time.Duration(sess.Idle) * time.Minute
	}
	return s.idle
}

// Wipe is the dialogue's side of a wipe the transport starts by itself
// (the idle wipe): it forgets her state and returns a Result with Wipe set
// and, if she chose so, the neutral message to leave in the empty chat.
func (s *Service) Wipe(ctx context.Context, chat int64) (Result, error) {
	sess, found, err := s.sessions.Session(ctx, chat)
	if err != nil {
		// Unreadable: wipe all the same, with the default choices.
		s.log.LogAttrs(ctx, slog.LevelWarn, "session load failed", logattr.Event("store_error"), logattr.Op("load"), logattr.Err(err))
		found = false
	}
	res := Result{Lang: s.langs[0], Wipe: true, Event: "idle_wipe"}
	if found {
		res.Lang = sess.Lang
		res.Replies = leaveReplies(sess)
	}
	if found && s.cb.store != nil {
		// Deleted and counted in one transaction.
		c := Change{Chat: chat, DropSession: true, Count: []Count{count(s.now(), CountIdleWipe, sess.Network, "", sess.Lang)}}
		if err := s.cb.store.Apply(ctx, c); err != nil {
			return res, fmt.Errorf("idle wipe: %w", err)
		}
		return res, nil
	}
	if err := s.sessions.DeleteSession(ctx, chat); err != nil {
		return res, fmt.Errorf("idle wipe: %w", err)
	}
	return res, nil
}

// forget deletes her session and, for /forget, everything the Forgetters
// keep. It tries them all and joins their errors.
func (s *Service) forget(ctx context.Context, chat int64, all bool) error {
	errs := []error{s.sessions.DeleteSession(ctx, chat)}
	if all {
		for _, f := range s.forgetters {
			errs = append(errs, f.Forget(ctx, chat))
		}
	}
	return errors.Join(errs...)
}

// leaveReplies is what stays in the chat after a wipe: nothing, unless she
// chose one neutral message (an empty chat can itself look odd). A keyboard
// offered earlier is taken away, by that message or by one deleted at once.
func leaveReplies(sess Session) []Reply {
	switch {
	case sess.Leave:
		return []Reply{{Texts: []Text{T("wipe.left")}, RemoveKeyboard: sess.Keyboard}}
	case sess.Keyboard:
		return []Reply{{Texts: []Text{T("wipe.left")}, RemoveKeyboard: true, Transient: true}}
	}
	return nil
}

// exit wipes the conversation: the transport deletes the messages, the
// service forgets her state. An open callback request survives: only
// /forget deletes it. Not even the id of her last update is kept, so an
// update Telegram delivers again after a crash between the wipe and its
// acknowledgement (a window of one poll) is answered again; that answer is
// tracked and wiped like any other.
func (d *dialogue) exit() {
	d.event = "exit"
	d.wipe = wipeChat
	d.replies = leaveReplies(d.sess)
}

// privacy says what is kept and lets her choose the idle wipe, what stays
// after a wipe, and to be forgotten.
func (d *dialogue) privacy(first ...Text) {
	if d.event == "" {
		d.event = "privacy"
	}
	idle := T(d.onDoor("privacy.idle_off"))
	if w := d.svc.idleWipe(d.sess); w > 0 {
		idle = T(d.onDoor("privacy.idle"), "Delay", durationText(w))
	}
	leave, toggle := T("privacy.leave_none"), Button{Label: T("button.leave_on"), Data: "leave:on"}
	if d.sess.Leave {
		leave, toggle = T("privacy.leave_one"), Button{Label: T("button.leave_off"), Data: "leave:off"}
	}
	texts := append(first, T("privacy.title"), T(d.onDoor("privacy.kept"), "TTL", durationText(d.svc.ttl)),
		T(d.onDoor("privacy.telegram")), T(d.onDoor("privacy.device")), T("privacy.forget"),
		// Deleted records stay readable with the key in the store's free
		// pages until bbolt writes over them.
		T("privacy.deleted"))
	if d.svc.backups > 0 {
		texts = append(texts, T("privacy.backups", "Duration", durationText(d.svc.backups)))
	}
	texts = append(texts, idle)
	choices := []Button{{Label: T("button.idle"), Data: "idle"}}
	if d.in.Door != DoorWeb {
		// A page leaves nothing behind to choose about.
		texts = append(texts, leave)
		choices = append(choices, toggle)
	}
	d.say(Reply{Texts: texts, Buttons: [][]Button{
		choices,
		{{Label: T("button.forget"), Data: "forget"}},
		navRow(true),
	}})
}

// idlePicker offers the idle-wipe delays.
func (d *dialogue) idlePicker() {
	d.event = "idle_picker"
	var btns []Button
	for _, m := range idleChoices {
		label := T("idle.off")
		if m > 0 {
			label = durationText(time.Duration(m) * time.Minute)
		}
		btns = append(btns, Button{Label: label, Data: "idle:" + idleArg(m)})
	}
	rows := grid(btns, 4)
	d.say(Reply{Texts: []Text{T(d.onDoor("idle.prompt"))}, Buttons: append(rows, navRow(true))})
}

func idleArg(m int) string {
	if m == idleOff {
		return "off"
	}
	return strconv.Itoa(m)
}

// setIdle stores her idle-wipe choice; anything not offered shows the
// picker again.
func (d *dialogue) setIdle(arg string) {
	for _, m := range idleChoices {
		if idleArg(m) == arg {
			d.event = "idle_set"
			d.sess.Idle = m
			d.privacy(T("settings.saved"))
			return
		}
	}
	d.idlePicker()
}

// setLeave stores whether a neutral message stays after a wipe.
func (d *dialogue) setLeave(arg string) {
	d.event = "leave_set"
	d.sess.Leave = arg == "on"
	d.privacy(T("settings.saved"))
}

// forgetAsk asks for confirmation: /forget also deletes an open callback
// request, which cannot be undone.
func (d *dialogue) forgetAsk() {
	d.event = "forget_ask"
	d.say(Reply{Texts: []Text{T("forget.ask"), T(d.onDoor("forget.what"))}, Buttons: [][]Button{
		{{Label: T("button.forget_yes"), Data: "forget:yes"}, {Label: T("button.forget_no"), Data: "privacy"}},
		navRow(true),
	}})
}

// forgetAll wipes the chat and deletes everything kept about her: her
// pending callback request is withdrawn as if she cancelled it (its
// operators are told), then the Forgetters run.
func (d *dialogue) forgetAll() {
	d.event = "forget"
	if cb, ok := d.myRequest(); ok {
		d.withdraw(cb)
	}
	d.wipe = wipeAll
	d.replies = leaveReplies(d.sess)
}

// durationText is a delay in her language: "5 min", "1 h", "7 giorni"
// (whole days from two on: "168 h" says nothing at a glance). The count
// picks the plural form where the unit is a word ("5 دقائق", "15 دقيقة").
func durationText(w time.Duration) Text {
	const day = 24 * time.Hour
	if w >= 2*day && w%day == 0 {
		n := int(w / day)
		return TN("duration.days", n, "N", n)
	}
	if w >= time.Hour && w%time.Hour == 0 {
		n := int(w / time.Hour)
		return TN("duration.hours", n, "N", n)
	}
	n := int(w / time.Minute)
	return TN("duration.minutes", n, "N", n)
}
