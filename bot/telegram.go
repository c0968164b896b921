package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

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
	pollSlack      = 15 * time.Second
	pollBackoffMin = time.Second
	sendBackoffMin = 500 * time.Millisecond
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
	// Refs names chats in the log; nil means its own.
	Refs *ChatRefs
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
}

// Telegram is the door over the Telegram Bot API: its own long-poll loop,
// per-chat ordering with chats in parallel, discreet sending with retries,
// redaction of the token from every error and log, and the rules that are
// Telegram's alone. It is a door of the core: an OutboxDoor for Delivery,
// and its idle wipe runs through IdleWiper.
type Telegram struct {
	cfg        TelegramConfig
	api        *tgbotapi.BotAPI
	client     *http.Client
	log        *slog.Logger
	token      string
	refs       *ChatRefs
	maxRetries int
	sem        chan struct{}
	now        func() time.Time
	chats      ChatLocks
	// trails order the trail writes and takes of each chat; tracking
	// counts the writes still running.
	trails   ChatLocks
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
		refs:       cfg.Refs,
		maxRetries: cfg.MaxRetries,
		sem:        make(chan struct{}, batchParallel),
		now:        cfg.Now,
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.refs == nil {
		t.refs = NewChatRefs()
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
	_, err = retry(ctx, getMeAttempts-1, sendDelay, func() error {
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

// chatAttr is the log attribute of a chat: its pseudonym.
func (t *Telegram) chatAttr(chat int64) slog.Attr { return t.refs.Attr(chat) }
