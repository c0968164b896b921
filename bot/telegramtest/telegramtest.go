// Package telegramtest is a fake Telegram Bot API for tests. It runs on
// 127.0.0.1 with net/http/httptest, so the real telegram-bot-api client code
// runs end to end while tests script the updates a user sends and read back
// what the bot sent.
//
// It speaks only what frontdoor uses: getMe, getUpdates (offset, limit,
// long-poll timeout), sendMessage (403 to users made Unreachable),
// answerCallbackQuery, deleteMessage,
// deleteMessages, setMyCommands, and the webhook methods setWebhook,
// deleteWebhook and getWebhookInfo. Any other method is recorded and answers
// true. Bodies may be form-encoded, multipart or JSON. sendMessage is checked
// like Telegram checks it (empty or too long text, HTML that does not parse,
// invalid callback data), so a rendering mistake fails a test instead of
// failing in production; setMyCommands is checked too, and the menus it set
// are kept (CommandSets); deleteMessages too (message_ids a JSON array of 1
// to 100 ids). It keeps what she would see: the messages of both sides of
// each chat, those deleted, and whether a reply keyboard is on her screen
// (Messages, Visible, KeyboardShown).
//
// Like Telegram, while a webhook is set getUpdates answers 409 Conflict and
// queued updates are posted to the webhook URL instead, one at a time and in
// order, with the X-Telegram-Bot-Api-Secret-Token header; an update leaves
// the queue only when the webhook answers 2xx, and is posted again otherwise.
//
// FailNext scripts errors for one method; SetRandomFaults makes a seeded
// share of all calls answer 5xx or 429, answer slowly or drop the
// connection, as Telegram and the networks in between do; SetLatency
// makes every call take a round trip.
//
// A Server is safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxLongPoll caps the long-poll timeout a client asks of getUpdates, so a
// test that forgets to stop its bot does not hang for Telegram's 50 s.
const MaxLongPoll = 3 * time.Second

// BotID is the user id of the fake bot, as getMe reports it.
const BotID int64 = 1000

// Sent is one sendMessage call as the fake API accepted it.
type Sent struct {
	ChatID              int64
	MessageID           int
	Text                string
	ParseMode           string
	DisableNotification bool
	ProtectContent      bool
	// ReplyMarkup is nil when the call carried none.
	ReplyMarkup *ReplyMarkup
	// DocumentName and Document are the file of a sendDocument; Text is
	// then its caption.
	DocumentName string
	Document     []byte
}

// ReplyMarkup is a reply_markup as sent: one of the inline keyboard, the
// reply keyboard or the keyboard removal is filled.
type ReplyMarkup struct {
	InlineKeyboard  [][]tgbotapi.InlineKeyboardButton `json:"inline_keyboard,omitempty"`
	Keyboard        [][]tgbotapi.KeyboardButton       `json:"keyboard,omitempty"`
	OneTimeKeyboard bool                              `json:"one_time_keyboard,omitempty"`
	ResizeKeyboard  bool                              `json:"resize_keyboard,omitempty"`
	RemoveKeyboard  bool                              `json:"remove_keyboard,omitempty"`
}

// Server is a fake Bot API. Build it with New; it is closed when the test
// ends.
type Server struct {
	token string
	srv   *httptest.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever state changes
	updates  []tgbotapi.Update
	nextUpd  int
	nextMsg  int
	nextCB   int
	langs    map[int64]string // last language used by a builder, per chat
	lastMsg  map[int64]int    // last message id the bot sent, per chat
	sent     []Sent
	edits    []Sent // editMessageText calls accepted, in order
	calls    map[string]int
	requests map[string][]map[string]string
	faults   map[string][]fault
	files    map[string][]byte // file_id → content, for getFile and downloads
	// sentPerChat counts sent messages per chat, for SentCount.
	sentPerChat map[int64]int
	commands    []CommandSet
	// chatMsgs are the ids of every message of each chat, both sides, in
	// order; deleted the ids deleteMessages removed.
	chatMsgs map[int64][]int
	deleted  map[int64]map[int]bool
	// keyboard tells, per chat, whether a reply keyboard is on her screen.
	keyboard map[int64]bool
	// usernames are the @usernames of users, for tests that plant them.
	usernames map[int64]string
	// unreachable are the users who never started a private chat with the
	// bot (or blocked it): sending to them answers 403.
	unreachable map[int64]bool

	// The webhook, when one is set (see webhook.go).
	hookURL    string
	hookSecret string
	hookGen    int // bumped by every setWebhook and deleteWebhook
	hookDone   chan struct{}
	delivered  []int // update ids the webhook accepted, in order

	// Random faults and latency (see faults.go).
	latency     time.Duration
	random      RandomFaults
	rng         *rand.Rand
	faultCounts map[string]int
}

// CommandSet is one accepted setMyCommands call: the menu Telegram shows in
// chats of Scope to clients whose language is Lang ("" for all others).
type CommandSet struct {
	// Scope is the scope's type ("default" when the call had none).
	Scope    string
	Lang     string
	Commands []tgbotapi.BotCommand
	// Chat is the chat of a "chat" scope; Deleted marks a deleteMyCommands.
	Chat    int64
	Deleted bool
}

type fault struct{ code, retryAfter int }

// New starts a fake Bot API that accepts token and stops it when t ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("telegramtest: listen on 127.0.0.1: %v", err)
	}
	s := &Server{
		token:       token,
		changed:     make(chan struct{}),
		nextUpd:     1,
		nextMsg:     1,
		langs:       map[int64]string{},
		lastMsg:     map[int64]int{},
		calls:       map[string]int{},
		requests:    map[string][]map[string]string{},
		faults:      map[string][]fault{},
		files:       map[string][]byte{},
		sentPerChat: map[int64]int{},
		chatMsgs:    map[int64][]int{},
		deleted:     map[int64]map[int]bool{},
		usernames:   map[int64]string{},
		unreachable: map[int64]bool{},
		keyboard:    map[int64]bool{},
		hookDone:    make(chan struct{}),
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = l
	s.srv.Start()
	t.Cleanup(func() { close(s.hookDone); s.srv.Close() })
	return s
}

// Endpoint is the API endpoint in the format telegram-bot-api expects
// ("http://127.0.0.1:port/bot%s/%s").
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// URL is the base address of the server.
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client that reaches the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// notify wakes every waiter; callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// AddUpdate queues an update for getUpdates. A zero UpdateID is replaced by
// the next id; the id used is returned.
func (s *Server) AddUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpd
	}
	if u.UpdateID >= s.nextUpd {
		s.nextUpd = u.UpdateID + 1
	}
	s.updates = append(s.updates, u)
	s.notify()
	return u.UpdateID
}

// message builds an incoming private message from the user chatID (in a
// private chat the chat id is the user id).
func (s *Server) message(chatID int64, lang string) *tgbotapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lang == "" {
		lang = s.langs[chatID]
	}
	s.langs[chatID] = lang
	id := s.nextMsg
	s.nextMsg++
	return &tgbotapi.Message{
		MessageID: id,
		From:      &tgbotapi.User{ID: chatID, FirstName: "Test", LanguageCode: lang, UserName: s.usernames[chatID]},
		Chat:      &tgbotapi.Chat{ID: chatID, Type: "private", FirstName: "Test"},
		Date:      int(time.Now().Unix()),
	}
}

// Unreachable makes the private chat of user answer every sendMessage and
// sendDocument with 403, as Telegram does for a user who never started a
// chat with the bot or blocked it; reachable again undoes it.
func (s *Server) Unreachable(user int64, unreachable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unreachable[user] = unreachable
}

// forbidden is Telegram's answer to a message for an unreachable user.
func (s *Server) forbidden(chatID int64) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unreachable[chatID] {
		return &apiError{code: http.StatusForbidden, desc: "Forbidden: bot can't initiate conversation with a user"}
	}
	return nil
}

// SetUsername gives the user chatID a @username in the updates built from
// now on, so that a test can check it never leaks.
func (s *Server) SetUsername(chatID int64, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usernames[chatID] = username
}

// incoming queues a message she sent and records its id in the chat.
func (s *Server) incoming(m *tgbotapi.Message) int {
	s.mu.Lock()
	s.chatMsgs[m.Chat.ID] = append(s.chatMsgs[m.Chat.ID], m.MessageID)
	s.mu.Unlock()
	return s.AddUpdate(tgbotapi.Update{Message: m})
}

// Text queues a text message from chatID whose client reports lang, and
// returns its update id.
func (s *Server) Text(chatID int64, lang, text string) int {
	m := s.message(chatID, lang)
	m.Text = text
	return s.incoming(m)
}

// Command queues "/command args" with its bot_command entity, as Telegram
// sends it, and returns its update id.
func (s *Server) Command(chatID int64, lang, command, args string) int {
	m := s.message(chatID, lang)
	m.Text = "/" + command
	m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(m.Text)))}}
	if args != "" {
		m.Text += " " + args
	}
	return s.incoming(m)
}

// Press queues a callback query, as if chatID pressed an inline button
// carrying data under the last message the bot sent her, and returns its
// update id.
func (s *Server) Press(chatID int64, lang, data string) int {
	m := s.message(chatID, lang)
	s.mu.Lock()
	s.nextCB++
	cb := &tgbotapi.CallbackQuery{
		ID:           "cb" + strconv.Itoa(s.nextCB),
		From:         m.From,
		ChatInstance: "ci" + strconv.FormatInt(chatID, 10),
		Data:         data,
		Message: &tgbotapi.Message{
			MessageID: s.lastMsg[chatID],
			From:      &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bot"},
			Chat:      m.Chat,
			Date:      m.Date,
		},
	}
	s.mu.Unlock()
	return s.AddUpdate(tgbotapi.Update{CallbackQuery: cb})
}

// GroupCommand queues "/command args" typed by user in the group titled
// title, and returns its update id.
func (s *Server) GroupCommand(group, user int64, title, command, args string) int {
	s.mu.Lock()
	id := s.nextMsg
	s.nextMsg++
	s.mu.Unlock()
	m := &tgbotapi.Message{
		MessageID: id,
		From:      &tgbotapi.User{ID: user, FirstName: "Test", LanguageCode: "it"},
		Chat:      &tgbotapi.Chat{ID: group, Type: "supergroup", Title: title},
		Date:      int(time.Now().Unix()),
		Text:      "/" + command,
	}
	m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(m.Text)))}}
	if args != "" {
		m.Text += " " + args
	}
	return s.incoming(m)
}

// PressInGroup queues a callback query as if user pressed an inline button
// carrying data under the last message the bot sent to the group, and
// returns its update id.
func (s *Server) PressInGroup(group, user int64, data string) int {
	s.mu.Lock()
	s.nextCB++
	from := &tgbotapi.User{ID: user, FirstName: "Test", LanguageCode: "it"}
	chat := &tgbotapi.Chat{ID: group, Type: "supergroup", Title: "Test"}
	cb := &tgbotapi.CallbackQuery{
		ID:           "cb" + strconv.Itoa(s.nextCB),
		From:         from,
		ChatInstance: "ci" + strconv.FormatInt(group, 10),
		Data:         data,
		Message: &tgbotapi.Message{
			MessageID: s.lastMsg[group],
			From:      &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bot"},
			Chat:      chat,
			Date:      int(time.Now().Unix()),
		},
	}
	s.mu.Unlock()
	return s.AddUpdate(tgbotapi.Update{CallbackQuery: cb})
}

// Contact queues a shared contact (her own number, through the "share my
// number" button) from chatID and returns its update id.
func (s *Server) Contact(chatID int64, phone string) int {
	m := s.message(chatID, "")
	m.Contact = &tgbotapi.Contact{PhoneNumber: phone, FirstName: "Test", UserID: chatID}
	return s.incoming(m)
}

// Location queues a shared location from chatID and returns its update id.
// The client language is the one of her last update built here.
func (s *Server) Location(chatID int64, lat, lon float64) int {
	m := s.message(chatID, "")
	m.Location = &tgbotapi.Location{Latitude: lat, Longitude: lon}
	return s.incoming(m)
}

// FailNext makes the next n calls of method answer an error with code (for
// example 429 or 502) and, when retryAfter > 0, parameters.retry_after.
func (s *Server) FailNext(method string, n, code, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], fault{code, retryAfter})
	}
}

// Sent returns a copy of every accepted sendMessage, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the accepted sendMessage calls to one chat, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// SentCount returns how many messages were sent to one chat, without
// copying them: benchmarks poll it.
func (s *Server) SentCount(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentPerChat[chatID]
}

// Calls returns how many times method was called, failed calls included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Requests returns the parameters of every call of method, in order. JSON
// values that are not strings (reply_markup, message_ids) are given as
// their JSON text.
func (s *Server) Requests(method string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]string, len(s.requests[method]))
	for i, p := range s.requests[method] {
		out[i] = maps.Clone(p)
	}
	return out
}

// Offsets returns the offset parameter of every getUpdates call, in order
// (0 when absent).
func (s *Server) Offsets() []int {
	var out []int
	for _, p := range s.Requests("getUpdates") {
		n, _ := strconv.Atoi(p["offset"])
		out = append(out, n)
	}
	return out
}

// Answered returns the ids of the callback queries answered, in order.
func (s *Server) Answered() []string {
	var out []string
	for _, p := range s.Requests("answerCallbackQuery") {
		out = append(out, p["callback_query_id"])
	}
	return out
}

// Pending returns how many updates are queued and not yet confirmed by an
// offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// WaitSent waits until at least n messages were sent and returns them; it
// fails the test, listing what was sent, after timeout. Call it from the
// test goroutine.
func (s *Server) WaitSent(t testing.TB, n int, timeout time.Duration) []Sent {
	t.Helper()
	s.wait(t, timeout, func() bool { return len(s.sent) >= n },
		func() string { return fmt.Sprintf("%d messages sent, want %d: %s", len(s.sent), n, summary(s.sent)) })
	return s.Sent()
}

// WaitCalls waits until method was called at least n times; it fails the
// test after timeout. Call it from the test goroutine.
func (s *Server) WaitCalls(t testing.TB, method string, n int, timeout time.Duration) {
	t.Helper()
	s.wait(t, timeout, func() bool { return s.calls[method] >= n },
		func() string { return fmt.Sprintf("%s called %d times, want %d", method, s.calls[method], n) })
}

// wait polls cond (under s.mu) on every state change until timeout.
func (s *Server) wait(t testing.TB, timeout time.Duration, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.mu.Lock()
			msg := why()
			s.mu.Unlock()
			t.Fatalf("telegramtest: after %v: %s", timeout, msg)
		}
	}
}

func summary(sent []Sent) string {
	var b strings.Builder
	for i, m := range sent {
		if i == 10 {
			fmt.Fprintf(&b, " ... (%d more)", len(sent)-i)
			break
		}
		fmt.Fprintf(&b, "\n  chat %d: %q", m.ChatID, m.Text)
	}
	return b.String()
}

// apiError is an answer with ok=false.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(format string, a ...any) *apiError {
	return &apiError{code: 400, desc: "Bad Request: " + fmt.Sprintf(format, a...)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r)
		return
	}
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !ok || !strings.HasPrefix(r.URL.Path, "/bot") || token != s.token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	params, err := parseParams(r)
	if err != nil {
		writeError(w, badRequest("cannot parse the request: %v", err))
		return
	}

	s.mu.Lock()
	s.calls[method]++
	s.requests[method] = append(s.requests[method], params)
	var f *fault
	if q := s.faults[method]; len(q) > 0 {
		f = &q[0]
		s.faults[method] = q[1:]
	}
	latency := s.latency
	s.notify()
	s.mu.Unlock()

	time.Sleep(latency)
	if s.randomFault(w, method) {
		return
	}
	if f != nil {
		desc := "Bad Gateway"
		if f.code == http.StatusTooManyRequests {
			desc = "Too Many Requests: retry after " + strconv.Itoa(f.retryAfter)
		} else if t := http.StatusText(f.code); t != "" {
			desc = t
		}
		writeError(w, &apiError{code: f.code, desc: desc, retryAfter: f.retryAfter})
		return
	}

	var result any
	var aerr *apiError
	switch method {
	case "getMe":
		result = tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bot", UserName: "fake_test_bot"}
	case "getUpdates":
		if s.WebhookURL() != "" {
			aerr = &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
			break
		}
		result, aerr = s.getUpdates(r, params)
	case "setWebhook":
		result, aerr = s.setWebhook(params)
	case "deleteWebhook":
		result = s.deleteWebhook(params)
	case "getWebhookInfo":
		result = s.webhookInfo()
	case "sendMessage":
		result, aerr = s.sendMessage(params)
	case "deleteMessages":
		result, aerr = s.deleteMessages(params)
	case "setMyCommands", "deleteMyCommands":
		result, aerr = s.setMyCommands(params, method == "deleteMyCommands")
	case "getFile":
		result, aerr = s.getFile(params)
	case "sendDocument":
		result, aerr = s.sendDocument(r, params)
	case "editMessageText":
		result, aerr = s.editMessageText(params)
	default: // answerCallbackQuery, deleteMessage(s), ...
		result = true
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// getUpdates confirms (drops) every update below offset, then returns up to
// limit updates, waiting up to timeout seconds (capped by MaxLongPoll) for
// one to arrive.
func (s *Server) getUpdates(r *http.Request, p map[string]string) (any, *apiError) {
	offset, _ := strconv.Atoi(p["offset"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	wait := min(time.Duration(timeout)*time.Second, MaxLongPoll)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if offset > 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u.UpdateID >= offset {
					kept = append(kept, u)
				}
			}
			clear(s.updates[len(kept):])
			s.updates = kept
		}
		if n := min(len(s.updates), limit); n > 0 || wait <= 0 {
			out := append([]tgbotapi.Update{}, s.updates[:n]...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return []tgbotapi.Update{}, nil
		case <-r.Context().Done():
			return []tgbotapi.Update{}, nil
		}
	}
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	if aerr := s.forbidden(chatID); aerr != nil {
		return nil, aerr
	}
	m := Sent{
		ChatID:              chatID,
		Text:                p["text"],
		ParseMode:           p["parse_mode"],
		DisableNotification: p["disable_notification"] == "true",
		ProtectContent:      p["protect_content"] == "true",
	}
	if aerr := checkText(m.Text, m.ParseMode); aerr != nil {
		return nil, aerr
	}
	if raw := p["reply_markup"]; raw != "" {
		m.ReplyMarkup = new(ReplyMarkup)
		if err := json.Unmarshal([]byte(raw), m.ReplyMarkup); err != nil {
			return nil, badRequest("can't parse reply keyboard markup JSON object")
		}
		if aerr := checkMarkup(m.ReplyMarkup); aerr != nil {
			return nil, aerr
		}
	}
	s.mu.Lock()
	if k := m.ReplyMarkup; k != nil && (len(k.Keyboard) > 0 || k.RemoveKeyboard) {
		s.keyboard[chatID] = len(k.Keyboard) > 0
	}
	s.record(&m)
	s.mu.Unlock()
	return tgbotapi.Message{
		MessageID: m.MessageID,
		From:      &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bot"},
		Chat:      &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date:      int(time.Now().Unix()),
		Text:      m.Text,
	}, nil
}

// deleteMessages checks the call like Telegram does (a chat id, and
// message_ids a JSON array of 1 to 100 ids) and marks the ids of that chat
// deleted. Like Telegram it skips ids it does not know and answers true.
func (s *Server) deleteMessages(p map[string]string) (any, *apiError) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	raw, ok := p["message_ids"]
	if !ok {
		return nil, badRequest("parameter \"message_ids\" is required")
	}
	var ids []int
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return nil, badRequest("can't parse message identifiers JSON object")
	}
	if len(ids) == 0 || len(ids) > 100 {
		return nil, badRequest("too many or no message identifiers specified (%d)", len(ids))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deleted[chatID] == nil {
		s.deleted[chatID] = map[int]bool{}
	}
	for _, id := range ids {
		if slices.Contains(s.chatMsgs[chatID], id) {
			s.deleted[chatID][id] = true
		}
	}
	s.notify()
	return true, nil
}

// Messages returns the ids of every message of a chat, hers (built here)
// and the bot's (accepted sendMessage), in order, deleted ones included.
func (s *Server) Messages(chatID int64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.chatMsgs[chatID])
}

// KeyboardShown tells whether a reply keyboard (such as "share location")
// is on her screen: sent, and not taken away by a remove_keyboard since.
// Deleting the message that carried it does not take it away.
func (s *Server) KeyboardShown(chatID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keyboard[chatID]
}

// Visible returns the ids of the messages of a chat that deleteMessages
// has not deleted: what she would still see.
func (s *Server) Visible(chatID int64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for _, id := range s.chatMsgs[chatID] {
		if !s.deleted[chatID][id] {
			out = append(out, id)
		}
	}
	return out
}

// record gives m the next message id and records it as sent by the bot to
// m.ChatID; s.mu is held.
func (s *Server) record(m *Sent) {
	m.MessageID = s.nextMsg
	s.nextMsg++
	s.lastMsg[m.ChatID] = m.MessageID
	s.chatMsgs[m.ChatID] = append(s.chatMsgs[m.ChatID], m.MessageID)
	s.sent = append(s.sent, *m)
	s.sentPerChat[m.ChatID]++
	s.notify()
}

// editMessageText replaces the text and inline keyboard of a message the
// bot sent to the chat; it records the edit (see Edits).
func (s *Server) editMessageText(p map[string]string) (any, *apiError) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil {
		return nil, badRequest("message identifier is not specified")
	}
	e := Sent{ChatID: chatID, MessageID: id, Text: p["text"], ParseMode: p["parse_mode"]}
	if aerr := checkText(e.Text, e.ParseMode); aerr != nil {
		return nil, aerr
	}
	if raw := p["reply_markup"]; raw != "" {
		e.ReplyMarkup = new(ReplyMarkup)
		if err := json.Unmarshal([]byte(raw), e.ReplyMarkup); err != nil {
			return nil, badRequest("can't parse reply keyboard markup JSON object")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, m := range s.sent {
		found = found || (m.ChatID == chatID && m.MessageID == id)
	}
	if !found {
		return nil, badRequest("message to edit not found")
	}
	s.edits = append(s.edits, e)
	s.notify()
	return tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: chatID}, Text: e.Text}, nil
}

// Edits returns a copy of every accepted editMessageText, in order.
func (s *Server) Edits() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.edits...)
}

// setMyCommands checks a command list like Telegram does (1 to 100
// commands; names of 1 to 32 lower-case Latin letters, digits and
// underscores; descriptions of 1 to 256 characters; a two-letter language)
// and records it.
func (s *Server) setMyCommands(p map[string]string, deleted bool) (any, *apiError) {
	set := CommandSet{Scope: "default", Lang: p["language_code"]}
	if err := json.Unmarshal([]byte(p["commands"]), &set.Commands); err != nil && !deleted {
		return nil, badRequest("can't parse commands JSON object")
	}
	if raw := p["scope"]; raw != "" && raw != "null" {
		var scope tgbotapi.BotCommandScope
		if err := json.Unmarshal([]byte(raw), &scope); err != nil || scope.Type == "" {
			return nil, badRequest("can't parse BotCommandScope JSON object")
		}
		set.Scope, set.Chat = scope.Type, scope.ChatID
	}
	if deleted {
		set.Commands, set.Deleted = nil, true
		s.mu.Lock()
		s.commands = append(s.commands, set)
		s.notify()
		s.mu.Unlock()
		return true, nil
	}
	if set.Lang != "" && (len(set.Lang) != 2 || strings.ToLower(set.Lang) != set.Lang) {
		return nil, badRequest("invalid language code specified")
	}
	if len(set.Commands) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range set.Commands {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(strings.TrimSpace(c.Description))); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	s.commands = append(s.commands, set)
	s.notify()
	s.mu.Unlock()
	return true, nil
}

func validCommand(c string) bool {
	if len(c) == 0 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// CommandSets returns every accepted setMyCommands and deleteMyCommands
// call, in order.
func (s *Server) CommandSets() []CommandSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CommandSet, len(s.commands))
	for i, c := range s.commands {
		out[i] = c
		out[i].Commands = append([]tgbotapi.BotCommand(nil), c.Commands...)
	}
	return out
}

// checkText rejects what Telegram rejects: empty or too long text, and in
// HTML mode unknown or unbalanced tags and bare '<', '>' or '&'.
func checkText(text, parseMode string) *apiError {
	plain := text
	if strings.EqualFold(parseMode, "HTML") {
		var err error
		if plain, err = parseHTML(text); err != nil {
			return badRequest("can't parse entities: %v", err)
		}
	}
	switch n := len(utf16.Encode([]rune(strings.TrimSpace(plain)))); {
	case n == 0:
		return badRequest("message text is empty")
	case n > 4096:
		return badRequest("message is too long")
	}
	return nil
}

// htmlTag reports whether Telegram's HTML parse mode knows the tag.
func htmlTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
		"span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji":
		return true
	}
	return false
}

// parseHTML checks Telegram-style HTML and returns its visible text.
func parseHTML(s string) (string, error) {
	var plain strings.Builder
	var open []string
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			i += end
			closing := strings.HasPrefix(tag, "/")
			name, _, _ := strings.Cut(strings.TrimPrefix(tag, "/"), " ")
			name = strings.ToLower(name)
			if !htmlTag(name) {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i-end)
			}
			if !closing {
				open = append(open, name)
				continue
			}
			if len(open) == 0 || open[len(open)-1] != name {
				return "", fmt.Errorf("unexpected end tag %q at byte offset %d", name, i-end)
			}
			open = open[:len(open)-1]
		case '>':
			return "", fmt.Errorf("unescaped '>' at byte offset %d", i)
		case '&':
			end := strings.IndexByte(s[i:], ';')
			ent := ""
			if end > 0 {
				ent = s[i+1 : i+end]
			}
			if !validEntity(ent) {
				return "", fmt.Errorf("unsupported entity at byte offset %d", i)
			}
			plain.WriteByte('x')
			i += end
		default:
			plain.WriteByte(c)
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("unclosed tag %q", open[len(open)-1])
	}
	return plain.String(), nil
}

func validEntity(e string) bool {
	switch e {
	case "lt", "gt", "amp", "quot":
		return true
	}
	if n, ok := strings.CutPrefix(e, "#"); ok && n != "" {
		if h, ok := strings.CutPrefix(strings.ToLower(n), "x"); ok {
			_, err := strconv.ParseUint(h, 16, 32)
			return err == nil
		}
		_, err := strconv.ParseUint(n, 10, 32)
		return err == nil
	}
	return false
}

func checkMarkup(m *ReplyMarkup) *apiError {
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if strings.TrimSpace(b.Text) == "" {
				return badRequest("text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > 64) {
				return badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.TrimSpace(b.Text) == "" {
				return badRequest("keyboard button text is empty")
			}
		}
	}
	return nil
}

// parseParams reads the parameters of a call from the query and a
// form-encoded, multipart or JSON body.
func parseParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, fmt.Errorf("json body: %w", err)
		}
		for k, v := range body {
			var str string
			if json.Unmarshal(v, &str) == nil {
				out[k] = str
			} else {
				out[k] = string(v)
			}
		}
		for k, v := range r.URL.Query() {
			out[k] = v[0]
		}
		return out, nil
	}
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("form body: %w", err)
	}
	for k, v := range r.Form {
		out[k] = v[0]
	}
	return out, nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
