package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// ErrTokenRefused is returned by NewTelegram when the Bot API does not
// accept the token, so that main can explain how to get a valid one.
var ErrTokenRefused = errors.New("telegram: the token was refused")

const (
	defaultPollTimeout = 50 * time.Second
	defaultMaxRetries  = 5
	// batchParallel bounds the chats handled at the same time.
	batchParallel = 64
	// requestTimeout bounds every Bot API call but the long poll.
	requestTimeout = 30 * time.Second
	// pollSlack is added to the long-poll timeout for the HTTP round trip.
	pollSlack = 15 * time.Second
	// shutdownGrace lets a batch in flight finish its replies after Run's
	// context is cancelled, so that a committed update is not left without
	// its answer.
	shutdownGrace  = 5 * time.Second
	pollBackoffMin = time.Second
	sendBackoffMin = 500 * time.Millisecond
	backoffMax     = 30 * time.Second
)

// TelegramConfig configures the Telegram transport.
type TelegramConfig struct {
	// Token is the bot token from @BotFather. It never appears in errors
	// or logs.
	Token string
	// Endpoint is the Bot API endpoint as a format with two %s (token,
	// method); empty means Telegram's.
	Endpoint string
	// HTTPClient is used for every call; nil means a new client. Its
	// Timeout, if any, must exceed PollTimeout: calls are bounded by
	// contexts instead.
	HTTPClient *http.Client
	// Handler runs the dialogues; Renderer turns their replies into
	// messages. Both are required.
	Handler  Handler
	Renderer Renderer
	// Log receives event kinds and durations, never personal data; nil
	// discards.
	Log *slog.Logger
	// PollTimeout is the long-poll timeout of getUpdates, in whole seconds
	// of at least 1; 0 means 50 s.
	PollTimeout time.Duration
	// MaxRetries is how many times a failed send is retried (429, 5xx,
	// network); 0 means 5, a negative value none.
	MaxRetries int
	// Observer, when set, is told about every update and Bot API call,
	// for metrics and health.
	Observer Observer
	// OnSent, when set, is called after each message sent, so that a wipe
	// can later delete it. It is called concurrently for different chats,
	// in order within a chat.
	OnSent func(chat int64, messageID int)
	// Trail remembers the ids of her messages and the bot's, so that a
	// wipe deletes both sides; nil keeps no trail (a wipe then deletes
	// only the message that asked for it). With a Trail, the idle wipe
	// runs while Run does, and Wiper is required.
	Trail Trail
	// Wiper forgets her state when the idle wipe runs.
	Wiper Wiper
	// Now is the clock of the trail and the idle wipe; nil means
	// time.Now. Tests move it forward instead of waiting.
	Now func() time.Time
	// WipeEvery is how often due idle wipes are looked for; 0 means 1 min.
	WipeEvery time.Duration
	// Menu, when set, gives the descriptions of the command menu, which
	// Run sets for every language when it starts.
	Menu MenuTexts
	// Undelivered, when set, is told of a message with her number that
	// Telegram refused for good (the operator never started a private
	// chat with the bot, or blocked it), before it leaves the outbox: the
	// request must go back to the others. An error keeps the message
	// queued, to be tried again.
	Undelivered func(ctx context.Context, o flows.Outgoing) error
}

// Telegram is the transport over the Telegram Bot API: its own long-poll
// loop, per-chat ordering with chats in parallel, discreet sending with
// retries, and redaction of the token from every error and log.
type Telegram struct {
	cfg        TelegramConfig
	api        *tgbotapi.BotAPI
	client     *http.Client
	log        *slog.Logger
	token      string
	refKey     []byte
	maxRetries int
	sem        chan struct{}
	now        func() time.Time
	chats      chatLocks
	// trails order the trail writes and takes of each chat; tracking
	// counts the writes still running.
	trails   chatLocks
	tracking sync.WaitGroup
	// floods holds what floods left to do (see flood.go).
	floods floods
}

// NewTelegram checks the token with getMe and returns a transport ready to
// Run. A refused token gives an error that wraps ErrTokenRefused.
func NewTelegram(ctx context.Context, cfg TelegramConfig) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no token")
	}
	if cfg.Handler == nil || cfg.Renderer == nil {
		return nil, errors.New("telegram: a Handler and a Renderer are required")
	}
	if cfg.Trail != nil && cfg.Wiper == nil {
		return nil, errors.New("telegram: a Trail needs a Wiper for the idle wipe")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(cfg.Endpoint, "%") != 2 || strings.Count(cfg.Endpoint, "%s") != 2 {
		// A wrong format would make fmt append the token to the URL.
		return nil, fmt.Errorf("telegram: the endpoint %q must be a format like https://host/bot%%s/%%s", cfg.Endpoint)
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = defaultPollTimeout
	}
	t := &Telegram{
		cfg:        cfg,
		client:     cfg.HTTPClient,
		log:        cfg.Log,
		token:      cfg.Token,
		refKey:     make([]byte, 16),
		maxRetries: cfg.MaxRetries,
		sem:        make(chan struct{}, batchParallel),
		now:        cfg.Now,
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.client == nil {
		// Keep a connection per chat handled in parallel: the default of 2
		// idle connections per host would dial for almost every call.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = batchParallel + 4
		t.client = &http.Client{Transport: tr}
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	if t.maxRetries == 0 {
		t.maxRetries = defaultMaxRetries
	}
	if t.maxRetries < 0 {
		t.maxRetries = 0
	}
	if c := t.client.Timeout; c != 0 && c <= cfg.PollTimeout {
		t.log.LogAttrs(ctx, slog.LevelWarn, "http_timeout_too_short", logattr.Wait(c))
	}
	_, _ = rand.Read(t.refKey) // never fails (crypto/rand)

	api, err := t.getMe(ctx, cfg)
	if err != nil {
		var apiErr *tgbotapi.Error
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusUnauthorized:
			return nil, fmt.Errorf("%w (401 Unauthorized)", ErrTokenRefused)
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusNotFound:
			return nil, fmt.Errorf("%w (404 Not Found: is the token complete and the endpoint right?)", ErrTokenRefused)
		case errors.As(err, &apiErr):
			return nil, fmt.Errorf("telegram: getMe: %w", t.redactErr(err))
		}
		return nil, fmt.Errorf("telegram: cannot reach the Bot API (getMe): %w", t.redactErr(err))
	}
	api.Client = t.client // calls go through bot(ctx); never keep the spent context
	t.api = api
	return t, nil
}

// getMeAttempts bounds the tries of getMe at start: a Bot API that is
// briefly down (network, 5xx, 429) must not stop the bot.
const getMeAttempts = 4

// getMe checks the token, retrying transient failures with back-off; a
// refusal of the token (any Bot API error but 429 and 5xx) is final.
func (t *Telegram) getMe(ctx context.Context, cfg TelegramConfig) (api *tgbotapi.BotAPI, err error) {
	_, err = retry(ctx, getMeAttempts-1, func() error {
		cctx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		api, err = tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.Endpoint, ctxDoer{cctx, t.client})
		return err
	}, func(err error, wait time.Duration) {
		t.log.LogAttrs(ctx, slog.LevelWarn, "get_me_retry", logattr.Code(errorCode(err)), logattr.Wait(wait))
	})
	if err != nil {
		return nil, err
	}
	return api, nil
}

// Username is the bot's Telegram username, from getMe: deep links
// (t.me/<username>?start=...) are built with it.
func (t *Telegram) Username() string { return t.api.Self.UserName }

// Run polls for updates and handles them until ctx is cancelled, then
// returns nil. Within a batch, updates of one chat are handled in order
// and chats in parallel; the offset moves past a batch only when all of
// it was handled. Beside the first poll it sets the command menu of every
// language, when TelegramConfig.Menu is set. Run must not be called twice at
// the same time (Telegram allows one poller per token).
func (t *Telegram) Run(ctx context.Context) error {
	failures := 0
	pollSeconds := max(1, int(t.cfg.PollTimeout/time.Second)) // 0 would poll in a busy loop
	defer t.runBeside(ctx)()
	hctx, stopGrace := graceful(ctx)
	defer stopGrace()
	w := newWindow(t.sem)
	defer func() {
		// Shutdown: let what is in flight finish (within the grace), then
		// tell Telegram what was handled; the rest is delivered again.
		w.drain(hctx)
		if off := w.offset(); off > w.acked {
			t.ack(ctx, off)
		}
	}()
	// A webhook left by webhook mode would make getUpdates fail with 409;
	// Telegram keeps the updates it holds for the loop below.
	if err := t.deleteWebhook(ctx); err != nil && ctx.Err() == nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "delete_webhook_failed", logattr.Code(errorCode(err)), logattr.Err(err))
	}
	for ctx.Err() == nil {
		if w.full() {
			w.wait(ctx, w.finished, time.Hour)
			continue
		}
		offset := w.offset()
		updates, err := t.getUpdates(ctx, offset, w.fresh(), pollSeconds, 100)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			if errorCode(err) == http.StatusConflict {
				// A webhook was set meanwhile (another instance in webhook
				// mode?): take the updates back.
				_ = t.deleteWebhook(ctx)
			}
			wait, _ := retryDelay(err, failures, pollBackoffMin)
			t.log.LogAttrs(ctx, slog.LevelWarn, "poll_error", logattr.Code(errorCode(err)), logattr.Wait(wait), logattr.Err(err))
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		failures, w.acked = 0, offset
		handle := func(u tgbotapi.Update) bool {
			t.handleUpdate(hctx, u)
			return hctx.Err() == nil // cut short by shutdown: not handled
		}
		drop := func(u tgbotapi.Update, notify bool) { t.dropUpdate(hctx, u, notify) }
		w.dispatch(updates, handle, drop)
		if w.busy() {
			// Telegram would give back at once every update still in
			// flight: ask again when the lowest one finishes (the offset
			// moves on, acknowledging it) or after a moment, for new ones.
			w.wait(ctx, w.advanced, inflightRepoll)
		}
	}
	return nil
}

// ack confirms updates below offset to Telegram on the way out, so that a
// restart does not see them again. The update it may return stays
// unconfirmed.
func (t *Telegram) ack(ctx context.Context, offset int) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if _, err := t.getUpdates(actx, offset, offset, 0, 1); err != nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "ack_failed", logattr.Code(errorCode(err)), logattr.Err(err))
	}
}

// getUpdates asks Telegram for the updates from offset and decodes those
// from fresh on. Telegram returns every update from the offset until the
// offset passes it, so the ones below fresh, still in flight, come back
// on every poll: they are only skipped over, not decoded again.
func (t *Telegram) getUpdates(ctx context.Context, offset, fresh, timeout, limit int) ([]tgbotapi.Update, error) {
	cctx, cancel := context.WithTimeout(ctx, time.Duration(timeout)*time.Second+pollSlack)
	defer cancel()
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("limit", limit)
	p.AddNonZero("timeout", timeout)
	// Only what the dialogues use: no edits, reactions or member changes.
	p["allowed_updates"] = `["message","callback_query"]`
	resp, err := t.bot(cctx).MakeRequest("getUpdates", p)
	t.observeCall("getUpdates", err)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", t.redactErr(err))
	}
	ups, bad, err := decodeUpdates(resp.Result, fresh)
	if bad > 0 {
		t.log.LogAttrs(ctx, slog.LevelWarn, "update_undecodable", logattr.Count("updates", bad))
		for range bad {
			t.observeUpdate("none", OutcomeUndecodable, 0)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	return ups, nil
}

// updateID reads the id of an update. Telegram writes it first; reading
// it from there spares a pass over the whole update, which the in-flight
// ones, skipped, would otherwise cost on every poll.
func updateID(item json.RawMessage) (int, error) {
	if rest, ok := bytes.CutPrefix(item, []byte(`{"update_id":`)); ok && !bytes.Contains(rest, []byte(`"update_id"`)) {
		end := bytes.IndexAny(rest, ",}")
		if id, err := strconv.Atoi(string(rest[:max(end, 0)])); end > 0 && err == nil {
			return id, nil
		}
	}
	var head struct {
		ID int `json:"update_id"`
	}
	if err := json.Unmarshal(item, &head); err != nil {
		return 0, fmt.Errorf("decode update id: %w", err)
	}
	return head.ID, nil
}

// decodeUpdates decodes the updates of a getUpdates result from id fresh
// on. One that does not decode is kept with its id alone, and counted in
// bad: it is then acknowledged and ignored instead of being returned, and
// failing the poll, for ever.
func decodeUpdates(raw json.RawMessage, fresh int) (ups []tgbotapi.Update, bad int, err error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, 0, fmt.Errorf("decode updates: %w", err)
	}
	for _, item := range items {
		id, err := updateID(item)
		if err != nil {
			return nil, bad, err
		}
		if id < fresh {
			continue
		}
		var u tgbotapi.Update
		if json.Unmarshal(item, &u) != nil {
			u, bad = tgbotapi.Update{UpdateID: id}, bad+1
		}
		ups = append(ups, u)
	}
	return ups, bad, nil
}

// chatOf is the chat an update belongs to, for ordering; 0 when none.
func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

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
	kind = kindName(in.Kind)
	ref := t.chatAttr(in.Chat)
	// Her own message is deleted by a wipe too.
	var hers []int
	if u.Message != nil {
		hers = []int{u.Message.MessageID}
	}
	defer t.chats.lock(in.Chat)()
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
			in.Kind, in.Phone = flows.KindContact, m.Contact.PhoneNumber
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

func kindName(k flows.Kind) string {
	switch k {
	case flows.KindCommand:
		return "command"
	case flows.KindText:
		return "text"
	case flows.KindButton:
		return "button"
	case flows.KindLocation:
		return "location"
	case flows.KindContact:
		return "contact"
	case flows.KindDocument:
		return "document"
	}
	return "kind" + strconv.Itoa(int(k))
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

// sendReplies renders and sends the replies in order and returns the ids of
// the messages sent. A reply that cannot be sent is logged and skipped.
func (t *Telegram) sendReplies(ctx context.Context, chat int64, res flows.Result) []int {
	var ids []int
	for _, r := range res.Replies {
		m := t.cfg.Renderer.Render(res.Lang, r)
		send := t.send
		if m.Document != nil {
			send = t.sendDocument
		}
		id, attempts, err := send(ctx, chat, m)
		if err != nil {
			t.log.LogAttrs(ctx, slog.LevelError, "send_failed", t.chatAttr(chat),
				logattr.Code(errorCode(err)), logattr.Count("attempts", attempts), logattr.Err(err))
			continue
		}
		if r.Transient {
			// It only carried RemoveKeyboard: it must not stay.
			if _, err := t.deleteMessages(ctx, chat, []int{id}); err != nil {
				t.log.LogAttrs(ctx, slog.LevelError, "delete_failed", t.chatAttr(chat), logattr.Code(errorCode(err)), logattr.Err(err))
			}
			continue
		}
		ids = append(ids, id)
		if t.cfg.OnSent != nil {
			t.cfg.OnSent(chat, id)
		}
	}
	return ids
}

// send sends one message silently, retrying on 429, 5xx and network errors.
func (t *Telegram) send(ctx context.Context, chat int64, m Message) (id, attempts int, err error) {
	return t.sendWith(ctx, chat, m, t.maxRetries)
}

// sendWith is send with its own number of retries.
func (t *Telegram) sendWith(ctx context.Context, chat int64, m Message, maxRetries int) (id, attempts int, err error) {
	params, err := messageParams(chat, m)
	if err != nil {
		return 0, 0, err
	}
	resp, attempts, err := t.callRetry(ctx, "sendMessage", params, maxRetries)
	if err != nil {
		return 0, attempts, err
	}
	var sent tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		return 0, attempts, fmt.Errorf("sendMessage: decode the result: %w", err)
	}
	return sent.MessageID, attempts, nil
}

// callRetry makes a Bot API call, retrying up to maxRetries times on 429,
// 5xx and network errors.
func (t *Telegram) callRetry(ctx context.Context, method string, params tgbotapi.Params, maxRetries int) (resp *tgbotapi.APIResponse, attempts int, err error) {
	attempts, err = retry(ctx, maxRetries, func() (err error) {
		resp, err = t.call(ctx, method, params)
		return err
	}, nil)
	if err != nil {
		return nil, attempts, err
	}
	return resp, attempts, nil
}

// retry runs try until it succeeds, up to maxRetries more times after the
// first, waiting retryDelay between tries; it stops at once on an error no
// retry can fix or when ctx ends. onRetry, if not nil, hears each wait. It
// returns the number of tries and the last error.
func retry(ctx context.Context, maxRetries int, try func() error, onRetry func(err error, wait time.Duration)) (attempts int, err error) {
	for {
		attempts++
		if err = try(); err == nil {
			return attempts, nil
		}
		if attempts > maxRetries || ctx.Err() != nil {
			return attempts, err
		}
		wait, again := retryDelay(err, attempts, sendBackoffMin)
		if !again {
			return attempts, err
		}
		if onRetry != nil {
			onRetry(err, wait)
		}
		if !sleep(ctx, wait) {
			return attempts, err
		}
	}
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

// sendDocument sends a file with the text as its caption, arriving as
// arrival says, retrying like send. The library's document config lacks
// protect_content, so the upload is built from Params.
func (t *Telegram) sendDocument(ctx context.Context, chat int64, m Message) (id, attempts int, err error) {
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "caption": m.Text, "parse_mode": tgbotapi.ModeHTML}
	arrival(p, m)
	file := []tgbotapi.RequestFile{{Name: "document", Data: tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Data}}}
	var sent tgbotapi.Message
	attempts, err = retry(ctx, t.maxRetries, func() error {
		cctx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		resp, err := t.bot(cctx).UploadFiles("sendDocument", p, file)
		t.observeCall("sendDocument", err)
		if err != nil {
			return fmt.Errorf("sendDocument: %w", t.redactErr(err))
		}
		if err := json.Unmarshal(resp.Result, &sent); err != nil {
			return fmt.Errorf("sendDocument: decode the result: %w", err)
		}
		return nil
	}, nil)
	if err != nil {
		return 0, attempts, err
	}
	return sent.MessageID, attempts, nil
}

// arrival is the one rule of how a message arrives, from who it is for: a
// woman's phone never rings and what she gets can be neither forwarded nor
// saved; staff at work are not disturbed; what asks operators to act rings.
// Every send path (replies, the outbox, documents) goes through it; edits
// carry neither, as Telegram neither notifies nor re-protects an edit.
func arrival(p tgbotapi.Params, m Message) {
	if m.To != flows.ForOperators {
		p["disable_notification"] = "true"
	}
	if m.Protect || m.To == flows.ForHer {
		p["protect_content"] = "true"
	}
}

// messageParams builds sendMessage parameters with MakeRequest's Params, so
// that fields newer than the library (protect_content) can be sent.
func messageParams(chat int64, m Message) (tgbotapi.Params, error) {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chat, 10),
		"text":       m.Text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	arrival(p, m)
	var markup any
	switch {
	case m.RemoveKeyboard:
		markup = tgbotapi.ReplyKeyboardRemove{RemoveKeyboard: true}
	case m.LocationLabel != "":
		markup = tgbotapi.ReplyKeyboardMarkup{
			Keyboard:        [][]tgbotapi.KeyboardButton{{{Text: m.LocationLabel, RequestLocation: true}}},
			OneTimeKeyboard: true,
			ResizeKeyboard:  true,
		}
	case m.ContactLabel != "":
		markup = tgbotapi.ReplyKeyboardMarkup{
			Keyboard:        [][]tgbotapi.KeyboardButton{{{Text: m.ContactLabel, RequestContact: true}}},
			OneTimeKeyboard: true,
			ResizeKeyboard:  true,
		}
	case len(m.Buttons) > 0:
		rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(m.Buttons))
		for _, row := range m.Buttons {
			r := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
			for _, b := range row {
				r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
			}
			rows = append(rows, r)
		}
		markup = tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
	}
	if markup != nil {
		b, err := json.Marshal(markup)
		if err != nil {
			return nil, fmt.Errorf("sendMessage: encode reply_markup: %w", err)
		}
		p["reply_markup"] = string(b)
	}
	return p, nil
}

// call makes one Bot API call bounded by requestTimeout.
func (t *Telegram) call(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := t.bot(cctx).MakeRequest(method, p)
	t.observeCall(method, err)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, t.redactErr(err))
	}
	return resp, nil
}

// bot returns a shallow copy of the client whose requests carry ctx: the
// library builds requests without a context, so cancelling ctx would not
// otherwise abort a long poll.
func (t *Telegram) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := *t.api
	b.Client = ctxDoer{ctx, t.client}
	return &b
}

// ctxDoer is a tgbotapi.HTTPClient that attaches its context to requests.
type ctxDoer struct {
	ctx context.Context
	c   *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) { return d.c.Do(req.WithContext(d.ctx)) }

// redact removes the token, in every spelling a URL may give it, from s.
// Every error and log line of this transport goes through it: net/http
// errors carry the request URL, and the URL carries the token.
func redact(token, s string) string {
	if token == "" {
		return s
	}
	secrets := []string{token, url.PathEscape(token), url.QueryEscape(token)}
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		secrets = append(secrets, secret)
	}
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "<token>")
	}
	return s
}

// redactedError keeps the cause for errors.Is/As while its message is
// redacted. Printing the unwrapped cause yourself would show the token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func (t *Telegram) redactErr(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redact(t.token, err.Error()), err: err}
}

// retryDelay says how long to wait before retrying after err, and whether
// to retry at all: a 429 waits its retry_after; 5xx, network and decoding
// errors back off exponentially; other Bot API errors are final.
func retryDelay(err error, failures int, base time.Duration) (time.Duration, bool) {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.RetryAfter > 0:
			return time.Duration(apiErr.RetryAfter) * time.Second, true
		case apiErr.Code == http.StatusTooManyRequests, apiErr.Code >= 500:
			return backoff(failures, base), true
		}
		return backoff(failures, base), false
	}
	return backoff(failures, base), true
}

// backoff is base·2^(failures-1), capped at backoffMax, with 20 % jitter so
// that many chats do not retry in step.
func backoff(failures int, base time.Duration) time.Duration {
	d := base
	for i := 1; i < failures && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return d - mrand.N(d/5+1)
}

// errorCode is the Bot API error code in err, or 0.
func errorCode(err error) int {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}

// sleep waits d or until ctx ends; it reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// chatAttr is the log attribute of a chat: its pseudonym.
func (t *Telegram) chatAttr(chat int64) slog.Attr { return logattr.ChatRef(t.chatRef(chat)) }

// chatRef is a pseudonym of a chat for logs: an HMAC under a key drawn at
// start, so that lines of one run can be correlated but not linked to the
// chat id, nor across restarts.
func (t *Telegram) chatRef(chat int64) string {
	h := hmac.New(sha256.New, t.refKey)
	h.Write(strconv.AppendInt(nil, chat, 10))
	return hex.EncodeToString(h.Sum(nil)[:6])
}
