package flows

import (
	"context"
	"log/slog"
	"slices"

	"frontdoor/flows/logattr"
)

// exitCommands are the commands route maps to the exit.
var exitCommands = []string{"exit", "esci", "stop", "fine"}

// IsExit tells whether an input asks to wipe the chat (the exit, or
// /forget confirmed). A transport that drops inputs of a chat sending too
// many at once never drops these: the wipe must always work.
func IsExit(in Input) bool {
	switch in.Kind {
	case KindCommand:
		return slices.Contains(exitCommands, in.Command)
	case KindButton:
		return in.Data == "exit" || in.Data == "forget:yes"
	}
	return false
}

// Flooded answers an input a transport dropped because its chat sent too
// many at once. It reads her session and changes nothing. An input she
// sent before, handled already, is Duplicate; if it is the one whose
// replies were kept for a crash (Session.Replay), they are in Replies, as
// Handle gives them: a confirmation must reach her even when the updates
// a restart delivers again come all at once. Any other input gets, when
// notice is true, the notice: in her language, that the bot will answer
// again in a moment, with the numbers that always answer and the exit
// (operators' groups get none). IdleWipe is hers, for the trail.
func (s *Service) Flooded(ctx context.Context, in Input, notice bool) (Result, error) {
	sess, found, err := s.sessions.Session(ctx, in.Chat)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "session load failed", logattr.Event("store_error"), logattr.Op("load"), logattr.Err(err))
		sess, found = Session{}, false
	}
	if res, dup := s.duplicate(in, sess, found); dup {
		// Told apart from a notice, and given her idle wipe, for the trail.
		res.Duplicate, res.IdleWipe = true, s.idleWipe(sess)
		return res, nil
	}
	res := Result{Lang: sess.Lang, Event: "flooded", IdleWipe: s.idleWipe(sess)}
	if res.Lang == "" {
		res.Lang = PickLang(in.Lang, s.langs)
	}
	if notice && !in.Group {
		res.Replies = []Reply{{
			Texts:   append([]Text{T("flood.notice"), T("flood.meanwhile")}, emergencyLines()...),
			Buttons: [][]Button{navRow(false)},
			Protect: true,
		}}
	}
	return res, nil
}
