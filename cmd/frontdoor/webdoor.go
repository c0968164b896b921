package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"frontdoor/bot"
	"frontdoor/bot/web"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/locales"
	"frontdoor/store"
)

// startWebDoor makes the web door and opens its listener, when `frontdoor
// web` runs or FRONTDOOR_WEB is set: a mistake in the address stops the
// start with one sentence. It returns nil, nil without a web door.
func startWebDoor(cmd string, cfg config.Config, db *store.DB, svc *flows.Service, renderer bot.Renderer, cat *locales.Catalog, log *slog.Logger, refs *bot.ChatRefs) (*web.Door, net.Listener, error) {
	addr := cfg.Web.Addr
	if cmd == "web" && addr == "" {
		addr = config.DefaultWeb
	}
	if addr == "" {
		return nil, nil, nil
	}
	key, err := store.LoadKey(cfg.DataDir, cfg.Key)
	if err != nil {
		return nil, nil, err
	}
	// The forms' tokens outlive a restart: they are keyed on the data key.
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("frontdoor web forms"))
	door, err := web.New(web.Config{Handler: svc, Renderer: renderer, Texts: cat, Langs: cat.Langs(), RightToLeft: locales.RightToLeft,
		Trail: db, Wiper: svc, Shelf: db, Title: cfg.Web.Title, Icon: cfg.Web.Icon, IconType: cfg.Web.IconType, Away: cfg.Web.Exit,
		Secret: mac.Sum(nil), Keep: cfg.SessionTTL, Log: log, Refs: refs})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("the web door cannot listen on %s (%s): %w", addr, config.EnvWeb, err)
	}
	return door, ln, nil
}

// lockedForWeb explains a store held by a running bot to `frontdoor web`:
// the web door is then served by the bot itself.
func lockedForWeb(err error) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	return fmt.Errorf("%w\n(a running bot holds this data directory: serve the web door from it instead, by setting %s=ADDR in its configuration and restarting it)", err, config.EnvWeb)
}
