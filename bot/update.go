package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// handleUpdate runs one update end to end. A handler error or panic is
// logged and the update counts as handled, so it cannot block the queue.
func (t *Telegram) handleUpdate(ctx context.Context, u tgbotapi.Update) {
	start := time.Now()
	kind, outcome := "none", OutcomePanic
	defer func() { t.observeUpdate(kind, outcome, time.Since(start)) }()
	defer func() {
		if p := recover(); p != nil {
			t.log.LogAttrs(ctx, slog.LevelError, "handler_panic", logattr.Kind(kind), logattr.Panic(p))
		}
	}()
	var answered sync.WaitGroup
	defer answered.Wait()
	answer := func(string) {}
	if cq := u.CallbackQuery; cq != nil {
		// The button's spinner stops whatever happens, once: with the
		// handler's answer as soon as it has one, in parallel with the
		// replies.
		var once sync.Once
		answer = func(text string) {
			once.Do(func() { answered.Go(func() { t.answerCallback(ctx, cq.ID, text) }) })
		}
		defer answer("")
	}
	in, ignored := toInput(u)
	if ignored != "" {
		t.log.LogAttrs(ctx, slog.LevelDebug, "update_ignored", logattr.Event(ignored))
		outcome = OutcomeIgnored
		return
	}
	kind = KindName(in.Kind)
	ref := t.chatAttr(in.Chat)
	// Her own message is deleted by a wipe too.
	var hers []int
	if u.Message != nil {
		hers = []int{u.Message.MessageID}
	}
	defer t.chats.Lock(in.Chat)()
	if d := u.Message; in.Kind == flows.KindDocument && !in.Group && d.Document.FileSize <= maxDocument && t.acceptsFile(ctx, in.Chat) {
		// Staff send the directory file in a private chat; anything larger
		// stays undownloaded and the dialogue says so. Files in groups, and
		// from chats that may not send one, are never fetched.
		data, err := t.download(ctx, d.Document.FileID)
		if err != nil {
			t.log.LogAttrs(ctx, slog.LevelWarn, "download_failed", ref, logattr.Code(errorCode(err)), logattr.Err(err))
		}
		in.Document = data
	}
	res, err := t.cfg.Handler.Handle(ctx, in)
	if err != nil {
		t.log.LogAttrs(ctx, slog.LevelError, "handler_error", logattr.Kind(kind), ref)
		outcome = OutcomeError
		return
	}
	if res.Answer != nil {
		answer(t.cfg.Renderer.Render(res.Lang, flows.Reply{Texts: []flows.Text{*res.Answer}}).Text)
	} else {
		answer("")
	}
	if res.Duplicate {
		t.log.LogAttrs(ctx, slog.LevelDebug, "update_duplicate", logattr.Kind(kind), ref)
		outcome = OutcomeDuplicate
		return
	}
	// The menu first: when she reads the reply, the menu matches it (and
	// a test that sees the reply sees the menu).
	t.setChatMenu(ctx, in.Chat, res.Lang, res.Menu)
	if res.Wipe {
		// Delete first: what she chose to leave must be all that stays,
		// and it is not tracked.
		trail, _ := t.takeTrail(ctx, in.Chat, time.Time{})
		t.deleteTrail(ctx, in.Chat, trail, hers)
	}
	ids := t.sendReplies(ctx, in.Chat, res)
	if !res.Wipe {
		t.trackLater(ctx, in.Chat, append(hers, ids...), res.IdleWipe)
	}
	outcome = OutcomeHandled
	t.log.LogAttrs(ctx, slog.LevelInfo, "update_handled", logattr.Kind(kind), ref,
		logattr.Event(res.Event), logattr.Count("replies", len(res.Replies)), logattr.Count("sent", len(ids)),
		logattr.Duration(time.Since(start)))
}

// acceptsFile asks the handler whether chat may send a file.
func (t *Telegram) acceptsFile(ctx context.Context, chat int64) bool {
	g, ok := t.cfg.Handler.(FileGate)
	return ok && g.AcceptsFile(ctx, chat)
}

// maxDocument is the largest file downloaded from a chat: a directory file
// is a few kilobytes.
const maxDocument = 1 << 20

// download fetches a file a chat sent. The URL is built from the configured
// endpoint (the library's own uses Telegram's host whatever is configured),
// so tests and self-hosted Bot API servers work.
func (t *Telegram) download(ctx context.Context, fileID string) ([]byte, error) {
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	f, err := t.bot(cctx).GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("getFile: %w", t.redactErr(err))
	}
	endpoint := strings.Replace(t.cfg.Endpoint, "/bot%s/", "/file/bot%s/", 1)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, fmt.Sprintf(endpoint, t.token, f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("download: %w", t.redactErr(err))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %w", t.redactErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("download: %w", t.redactErr(err))
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("download: larger than %d bytes", maxDocument)
	}
	return data, nil
}

// toInput turns an update into an Input, or says why it is ignored.
// Private chats are served; group chats are passed on marked as such, and
// the handler serves only registered operators' groups. Messages that are
// neither commands, text, locations nor contacts (stickers, photos...)
// become KindText with empty Text, so that the dialogue can answer that it
// did not understand.
func toInput(u tgbotapi.Update) (flows.Input, string) {
	in := flows.Input{Update: int64(u.UpdateID)}
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || !servedChat(m.Chat.Type) {
			return in, "not_private"
		}
		in.Chat, in.Group = m.Chat.ID, m.Chat.Type != "private"
		if m.From != nil {
			in.Lang, in.From = m.From.LanguageCode, m.From.ID
		}
		if in.Group {
			in.ChatTitle = m.Chat.Title
		}
		switch {
		case isCommand(m):
			in.Kind = flows.KindCommand
			in.Command = strings.ToLower(m.Command())
			in.Args = m.CommandArguments()
		case m.Location != nil:
			in.Kind, in.Lat, in.Lon = flows.KindLocation, m.Location.Latitude, m.Location.Longitude
		case m.Contact != nil:
			in.Kind, in.Phone = flows.KindContact, contactPhone(m.Contact.PhoneNumber)
		case m.Document != nil:
			in.Kind, in.DocumentName = flows.KindDocument, m.Document.FileName
		default:
			in.Kind, in.Text = flows.KindText, m.Text
		}
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.Message == nil || cq.Message.Chat == nil || !servedChat(cq.Message.Chat.Type) {
			return in, "not_private"
		}
		in.Chat, in.Kind, in.Data, in.Message = cq.Message.Chat.ID, flows.KindButton, cq.Data, cq.Message.MessageID
		in.Group = cq.Message.Chat.Type != "private"
		if cq.From != nil {
			in.Lang, in.From = cq.From.LanguageCode, cq.From.ID
			if in.Group {
				// Who took a request, for the group's card; a woman's
				// name never reaches the dialogues.
				in.FromName = fullName(cq.From)
			}
		}
	case u.EditedMessage != nil:
		return in, "edited"
	default:
		return in, "unsupported"
	}
	return in, ""
}

// contactPhone is a shared contact's number in international form:
// Telegram gives it with its country code but without the plus.
func contactPhone(number string) string {
	if strings.HasPrefix(number, "+") {
		return number
	}
	return "+" + number
}

// fullName is the name a user shows in chats: first and last name.
func fullName(u *tgbotapi.User) string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// maxPopup is the most characters Telegram shows in a callback answer.
const maxPopup = 200

// popupText turns rendered HTML into the plain text of a pop-up, cut to
// what Telegram accepts.
func popupText(html string) string {
	s := []rune(PlainText(html))
	if len(s) > maxPopup {
		s = append(s[:maxPopup-1], '…')
	}
	return string(s)
}

// servedChat says whether updates of a chat type reach the handler:
// private chats, and groups (for operators; the handler ignores the rest).
func servedChat(typ string) bool {
	return typ == "private" || typ == "group" || typ == "supergroup"
}

// isCommand is Message.IsCommand with the bounds checks the library skips:
// a malformed entity must not panic.
func isCommand(m *tgbotapi.Message) bool {
	return m.IsCommand() && m.Entities[0].Length >= 1 && m.Entities[0].Length <= len(m.Text)
}

// answerCallback stops a pressed button's spinner, showing text (if any)
// to whoever pressed it only.
func (t *Telegram) answerCallback(ctx context.Context, id, text string) {
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err := t.bot(cctx).Request(tgbotapi.NewCallback(id, popupText(text)))
	t.observeCall("answerCallbackQuery", err)
	if err != nil {
		err = t.redactErr(err)
		t.log.LogAttrs(ctx, slog.LevelWarn, "callback_answer_failed", logattr.Code(errorCode(err)), logattr.Err(err))
	}
}
