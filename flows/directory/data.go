package directory

import (
	"cmp"
	"time"
)

// Clock is a wall-clock time of day in Europe/Rome, in minutes since midnight
// (0..1440; 1440 means "24:00", the end of the day).
type Clock int

// Slot is one opening interval of a day. A slot whose Close is not after its
// Open runs across midnight into the next day (for example 20:00-02:00).
type Slot struct {
	Open  Clock `json:"open"`
	Close Clock `json:"close"`
}

// Week holds the opening slots of each weekday, indexed by time.Weekday
// (Sunday is 0).
type Week [7][]Slot

// Date is a civil date in Europe/Rome, without a time of day.
type Date struct {
	Year  int        `json:"y"`
	Month time.Month `json:"m"`
	Day   int        `json:"d"`
}

// Closure is a range of days, both ends included, on which a centre is
// closed whatever its weekly hours say (holidays, refurbishment, ...).
type Closure struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// Network is a group of centres that share operators, an on-call rota and a
// way of reporting (for example ARCA in Cremona or Amaranta in Cinisello).
type Network struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ShortName, when set, stands for Name on buttons and in lists: a
	// short neutral name, so that nothing she must press says what the
	// network is unless the directory wants it.
	ShortName string `json:"short_name,omitempty"`
	Province  string `json:"province,omitempty"`
	// Phone24h is the network's line that always answers (ARCA's
	// reperibilità), shown to women when every centre of it is closed.
	Phone24h string `json:"phone_24h,omitempty"`
}

// Label is the name shown on buttons and in lists: ShortName, or Name.
func (n Network) Label() string { return cmp.Or(n.ShortName, n.Name) }

// Centre is one anti-violence centre or desk as women see it.
type Centre struct {
	ID      string `json:"id"`
	Network string `json:"network"`
	Name    string `json:"name"`
	// ShortName, when set, stands for Name on buttons, in lists and in the
	// callback request: a short neutral name ("ARCA Crema"). The card
	// shows Name, below two neutral lines.
	ShortName string `json:"short_name,omitempty"`
	Town      string `json:"town"`
	// Address is shown only when AddressConfidential is false: shelters and
	// some desks are reached only by phone.
	Address             string  `json:"address,omitempty"`
	AddressConfidential bool    `json:"address_confidential,omitempty"`
	Lat                 float64 `json:"lat"`
	Lon                 float64 `json:"lon"`
	// Phones are in international form (+39...), so Telegram makes them tappable.
	Phones []string `json:"phones,omitempty"`
	// Towns are the towns the centre covers, its own town included.
	Towns []string `json:"towns,omitempty"`
	// Languages are ISO 639-1 codes of the languages spoken at the centre.
	Languages []string `json:"languages,omitempty"`
	// Services are keys of the services offered (see ServiceKeys).
	Services []string  `json:"services,omitempty"`
	Hours    Week      `json:"hours"`
	Closures []Closure `json:"closures,omitempty"`
	// OpenOnHolidays keeps the weekly hours on Italian public holidays.
	OpenOnHolidays bool `json:"open_on_holidays,omitempty"`
	// Draft is a centre staff are still writing: women do not see it until
	// it is published, with its hours and a phone.
	Draft bool `json:"draft,omitempty"`
}

// Label is the name shown on buttons and in lists: ShortName, or Name.
func (c *Centre) Label() string { return cmp.Or(c.ShortName, c.Name) }

// Data is the directory as it is stored and exchanged: plain data,
// validated by New before use.
type Data struct {
	// Sample marks invented data: every card built from it says so.
	Sample   bool      `json:"sample,omitempty"`
	Networks []Network `json:"networks"`
	Centres  []Centre  `json:"centres"`
}

// ServiceKeys are the services a centre can list; each has a message id
// "service.<key>" in every locale.
var ServiceKeys = []string{
	"listening",     // first contact and listening
	"psychological", // psychological support
	"legal",         // legal advice
	"shelter",       // access to protected housing
	"work",          // support towards work and autonomy
	"children",      // support for children who witnessed violence
	"groups",        // self-help groups
}
