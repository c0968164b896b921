package config

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// The environment variables of the web door.
const (
	EnvWeb      = "FRONTDOOR_WEB"
	EnvWebTitle = "FRONTDOOR_WEB_TITLE"
	EnvWebIcon  = "FRONTDOOR_WEB_ICON"
	EnvWebExit  = "FRONTDOOR_WEB_EXIT"
)

// DefaultWeb is where `frontdoor web` listens when FRONTDOOR_WEB is unset.
const DefaultWeb = "127.0.0.1:8080"

// maxIcon bounds the favicon file: the first page must stay light.
const maxIcon = 16 << 10

// Web are the settings of the web door.
type Web struct {
	// Addr is where the web door listens; empty means no web door (but for
	// `frontdoor web`, which uses DefaultWeb).
	Addr string
	// Title is the page's neutral title; empty means the door's default.
	Title string
	// Icon is the favicon's content and IconType its media type; nil means
	// the door's neutral default.
	Icon     []byte
	IconType string
	// IconFile is where Icon was read from, for config check.
	IconFile string
	// Exit is the neutral site Exit leaves for; empty means the default.
	Exit string
}

// read fills w from the environment, read trimmed through get.
func (w *Web) read(get func(string) string) []error {
	var errs []error
	if v := get(EnvWeb); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s must be host:port, like %s (got %q)", EnvWeb, DefaultWeb, v))
		} else {
			w.Addr = v
		}
	}
	if v := get(EnvWebTitle); len(v) > 60 || strings.ContainsAny(v, "<>\n") {
		errs = append(errs, fmt.Errorf("%s must be a short, neutral title of at most 60 characters (got %q)", EnvWebTitle, v))
	} else {
		w.Title = v
	}
	if v := get(EnvWebExit); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s must be the address of a neutral site, like https://www.google.it/ (got %q)", EnvWebExit, v))
		} else {
			w.Exit = v
		}
	}
	if v := get(EnvWebIcon); v != "" {
		b, err := os.ReadFile(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: cannot read the icon: %w", EnvWebIcon, err))
		case len(b) > maxIcon:
			errs = append(errs, fmt.Errorf("%s: the icon is %d bytes, more than %d: the page must stay light", EnvWebIcon, len(b), maxIcon))
		default:
			typ := iconType(b)
			if typ == "" {
				errs = append(errs, fmt.Errorf("%s: %s is not a PNG, ICO or SVG image", EnvWebIcon, v))
				break
			}
			w.Icon, w.IconType, w.IconFile = b, typ, v
		}
	}
	return errs
}

// iconType is the media type of a favicon, or "" when it is none of the
// kinds browsers take.
func iconType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x00\x00\x01\x00")):
		return "image/x-icon"
	case bytes.Contains(b[:min(len(b), 512)], []byte("<svg")):
		return "image/svg+xml"
	}
	if t := http.DetectContentType(b); t == "image/png" {
		return t
	}
	return ""
}
