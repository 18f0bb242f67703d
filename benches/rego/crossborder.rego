# The cross-border rules of the hegui stdlib, written in Rego for a side-by-side
# benchmark (issue 6, part 3). It mirrors:
#   stdlib/core/derived.hegui    mainland, cross-border, personal / sensitive PI, persons, records
#   stdlib/cac/volumes.hegui     counting window, cumulative per-exporter sums (each dataset's persons once)
#   stdlib/cac/mechanism.hegui   exemption, needs_assessment, CAC-SA-4, CAC-2024-7, CAC-2024-8
#   stdlib/pipl/export.hegui     PIPL-38, PIPL-55
#   stdlib/gbt39725/*.hegui      GBT39725-7.p (cumulative health records), GBT39725-6.2 (min_grade)
#
# Input: hegui's lowered model (benches/src/lib.rs `model_json`): declared fields
# and schema defaults only, no derived facts. `none` is an absent key; dates are
# "YYYY-MM-DD" strings, compared as strings; categories are dotted paths; enum
# members are their name, or {"member": name, …fields} when they carry fields.
#
# Each flow is judged under the law in force on its own `start` date.
# Output: `findings`, a set of [rule id, subject name].
package hegui.crossborder

import rego.v1

cac_2024_in_force := "2024-03-22"

ndsr_in_force := "2025-01-01"

parties := input.parties

datasets := input.datasets

flows := input.flows

# ---- helpers -----------------------------------------------------------------

# A member's name, whether it carries fields or not; "" when absent.
member_name(v) := v if is_string(v)

member_name(v) := v.member if is_object(v)

mechanism_of(f) := member_name(f.mechanism)

mechanism_of(f) := "" if not f.mechanism

# `c under n`: c is n or below it.
under(c, n) if c == n

under(c, n) if startswith(c, concat("", [n, "."]))

# A list is under a list of nodes when any element is under any node.
any_under(cats, nodes) if {
	some c in cats
	some n in nodes
	under(c, n)
}

not_mainland_codes := {"CN-HK", "CN-MO", "CN-TW"}

mainland_code(c) if c == "CN"

mainland_code(c) if {
	startswith(c, "CN-")
	not c in not_mainland_codes
}

mainland(p) if mainland_code(p.jurisdiction)

has_hgr(ds) if count(object.get(ds, "hgr", [])) > 0

# ---- datasets (core/derived.hegui) ---------------------------------------------

personal_content(ds) if any_under(ds.categories, ["personal", "health_status", "medical_application", "medical_payment"])

personal_content(ds) if has_hgr(ds)

personal[d] if {
	some d, ds in datasets
	ds.deidentification != "anonymised"
	personal_content(ds)
}

sensitive_content(ds) if ds.minors_under_14 == true

sensitive_content(ds) if any_under(ds.categories, ["personal.biometric", "health_status", "medical_application", "medical_payment"])

sensitive_content(ds) if has_hgr(ds)

sensitive[d] if {
	personal[d]
	sensitive_content(datasets[d])
}

# GB/T 39725 §6.2 minimum grade (gbt39725/grades.hegui).
min_grade(d) := 5 if {
	datasets[d].special_diseases == true
} else := 4 if {
	personal[d]
	datasets[d].deidentification == "identifiable"
} else := 3 if {
	personal[d]
} else := 1 if {
	datasets[d].publishable_statistics == true
	not datasets[d].important_data == true
} else := 2 if {
	datasets[d].important_data == true
} else := 2 if {
	any_under(datasets[d].categories, ["personal", "health_status", "medical_application", "medical_payment", "public_health"])
} else := 1

# ---- flows (core/derived.hegui) ------------------------------------------------

cross_border[name] if {
	some name, f in flows
	mainland(parties[f.from])
	leaves_mainland(f)
}

leaves_mainland(f) if not mainland(parties[f.to])

leaves_mainland(f) if stored_abroad(f)

stored_abroad(f) if f.access == "storage_abroad"

stored_abroad(f) if {
	f.storage
	not mainland_code(f.storage)
}

leaves_mainland(f) if f.access == "remote_access"

personal_info[name] if {
	some name, f in flows
	some d in f.data
	personal[d]
}

important_data[name] if {
	some name, f in flows
	some d in f.data
	datasets[d].important_data == true
}

# Datasets are assumed to be about different persons (a list may repeat one: it counts twice, as in hegui).
sensitive_persons[name] := sum([datasets[d].subjects | d := f.data[_]; sensitive[d]]) if some name, f in flows

nonsensitive_persons[name] := sum([datasets[d].subjects | d := f.data[_]; personal[d]; not sensitive[d]]) if some name, f in flows

records[name] := sum([object.get(datasets[d], "records", 0) | d := f.data[_]]) if some name, f in flows

# Personal health data (gbt39725 `dataset.health`) and its records per flow.
health[d] if {
	personal[d]
	any_under(datasets[d].categories, ["health_status", "medical_application", "medical_payment"])
}

health_data[name] if {
	some name, f in flows
	some d in f.data
	health[d]
}

health_records[name] := sum([object.get(datasets[d], "records", 0) | d := f.data[_]; health[d]]) if some name, f in flows

# ---- cumulative volumes (cac/volumes.hegui) ------------------------------------

# Export flows grouped by exporter: the index hegui's planner also uses.
exports_of[ex] contains name if {
	cross_border[name]
	ex := flows[name].from
}

# 2024 provisions (from 2024-03-22): since 1 January of the flow's year; before:
# since 1 January of the previous year. Window end: the flow's own start.
window_start(start) := concat("", [substring(start, 0, 4), "-01-01"]) if start >= cac_2024_in_force

window_start(start) := sprintf("%d-01-01", [to_number(substring(start, 0, 4)) - 1]) if start < cac_2024_in_force

# The exporter's export flows in this flow's window (this flow included).
# Only needed, and only computed, for export flows.
in_window[name] := [g |
	some g in exports_of[f.from]
	s := flows[g].start
	s >= lo
	s <= f.start
] if {
	cross_border[name]
	f := flows[name]
	lo := window_start(f.start)
}

# Whose persons a dataset counts as (core/derived.hegui dataset.persons_of): the
# dataset it declares `same_persons_as`, else itself. The law counts persons,
# not flows: each of these counts once in the window.
persons_of(d) := datasets[d].same_persons_as if datasets[d].same_persons_as

persons_of(d) := d if not datasets[d].same_persons_as

cumulative_sensitive[name] := sum([datasets[p].subjects | some p in {persons_of(d) |
	some g in gs
	some d in flows[g].data
	sensitive[d]
}]) if some name, gs in in_window

cumulative_nonsensitive[name] := sum([datasets[p].subjects | some p in {persons_of(d) |
	some g in gs
	some d in flows[g].data
	personal[d]
	not sensitive[d]
}]) if some name, gs in in_window

# ---- mechanism (cac/mechanism.hegui) -------------------------------------------

ground(name, f) := "re_export" if {
	re_export[name]
} else := "ftz_negative_list" if {
	ftz_exempt(f)
} else := "contract_performance" if {
	f.purpose == "contract_performance"
} else := "hr_management" if {
	f.purpose == "hr_management"
} else := "emergency" if {
	f.purpose == "emergency"
} else := "legal_duty" if {
	f.purpose == "legal_duty"
	f.start >= ndsr_in_force
} else := "small_volume" if {
	not parties[f.from].ciio
	not sensitive_info[name]
	cumulative_nonsensitive[name] < 100000
} else := ""

sensitive_info[name] if {
	some name, f in flows
	some d in f.data
	sensitive[d]
}

# Art. 4 (cac/zones.hegui): every personal dataset collected abroad, no mainland data added.
re_export[name] if {
	personal_info[name]
	f := flows[name]
	every d in f.data {
		foreign_or_not_personal(d)
	}
}

foreign_or_not_personal(d) if not personal[d]

foreign_or_not_personal(d) if {
	datasets[d].collected_abroad == true
	not datasets[d].domestic_data_added == true
}

# Art. 6 (cac/zones.hegui): the zone's list in force, not a CIIO, declared not listed.
ftz_list_from := {"tianjin": "2024-05-09", "beijing": "2024-08-30", "shanghai": "2025-02-08",
	"shanghai_lingang": "2025-02-08", "hainan": "2025-02-19", "zhejiang": "2025-04-10"}

ftz_list_applies(f) if {
	p := parties[f.from]
	f.start >= ftz_list_from[member_name(p.ftz)]
	not p.ciio == true
}

ftz_exempt(f) if {
	ftz_list_applies(f)
	member_name(f.ftz_determination) == "not_listed"
}

# GBA contract (cac/zones.hegui): a GBA city, HK from 2023-12-13 or Macao from 2024-09-10, no important data.
gba_eligible(name, f) if {
	parties[f.from].city
	not important_data[name]
	parties[f.to].jurisdiction in {"HK", "CN-HK"}
	f.start >= "2023-12-13"
}

gba_eligible(name, f) if {
	parties[f.from].city
	not important_data[name]
	parties[f.to].jurisdiction in {"MO", "CN-MO"}
	f.start >= "2024-09-10"
}

# The 2024 exemption that applies (Arts 4–6), for export flows from 2024-03-22.
exemption[name] := g if {
	cross_border[name]
	f := flows[name]
	f.start >= cac_2024_in_force
	not important_data[name]
	g := ground(name, f)
	g != ""
}

# Important data always; the other criteria only for a flow that carries PI.
over_2024(name, f) if important_data[name]

over_2024(name, f) if {
	personal_info[name]
	parties[f.from].ciio == true
}

over_2024(name, f) if {
	personal_info[name]
	cumulative_nonsensitive[name] >= 1000000
}

over_2024(name, f) if {
	personal_info[name]
	cumulative_sensitive[name] >= 10000
}

over_2022(name, f) if important_data[name]

over_2022(name, f) if {
	personal_info[name]
	parties[f.from].ciio == true
}

over_2022(name, f) if {
	personal_info[name]
	parties[f.from].persons_processed >= 1000000
}

over_2022(name, f) if {
	personal_info[name]
	cumulative_sensitive[name] + cumulative_nonsensitive[name] >= 100000
}

over_2022(name, f) if {
	personal_info[name]
	cumulative_sensitive[name] >= 10000
}

needs_assessment[name] if {
	cross_border[name]
	f := flows[name]
	f.start >= cac_2024_in_force
	not exemption[name]
	over_2024(name, f)
}

needs_assessment[name] if {
	cross_border[name]
	f := flows[name]
	f.start < cac_2024_in_force
	over_2022(name, f)
}

# ---- verdicts ------------------------------------------------------------------

exports_pi[name] if {
	cross_border[name]
	personal_info[name]
}

pia_before_start(f) if f.pia <= f.start

# The declared mechanism existed on the flow's start (cac/mechanism.hegui).
mechanism_available(f) if {
	f.mechanism
	f.start < "2022-09-01"
}

mechanism_available(f) if mechanism_of(f) == "security_assessment"

mechanism_available(f) if {
	mechanism_of(f) == "certification"
	f.start >= "2022-11-04"
}

mechanism_available(f) if {
	mechanism_of(f) == "standard_contract"
	f.start >= "2023-06-01"
}

mechanism_available(f) if {
	mechanism_of(f) == "exempt"
	f.start >= cac_2024_in_force
}

available_for(name, f) if {
	mechanism_of(f) != "gba_contract"
	mechanism_available(f)
}

available_for(name, f) if {
	mechanism_of(f) == "gba_contract"
	gba_eligible(name, f)
}

findings contains ["PIPL-38", name] if {
	exports_pi[name]
	f := flows[name]
	f.start >= "2021-11-01"
	not available_for(name, f)
	not exemption[name]
}

findings contains ["PIPL-55", name] if {
	exports_pi[name]
	f := flows[name]
	f.start >= "2021-11-01"
	not pia_before_start(f)
}

findings contains ["CAC-SA-4", name] if {
	needs_assessment[name]
	f := flows[name]
	f.start >= "2022-09-01"
	f.start <= "2024-03-21"
	mechanism_of(f) != "security_assessment"
}

findings contains ["CAC-2024-7", name] if {
	needs_assessment[name]
	f := flows[name]
	f.start >= cac_2024_in_force
	mechanism_of(f) != "security_assessment"
}

findings contains ["CAC-2024-8", name] if {
	exports_pi[name]
	f := flows[name]
	f.start >= cac_2024_in_force
	not exemption[name]
	not needs_assessment[name]
	not mechanism_of(f) in {"standard_contract", "certification", "security_assessment"}
	not gba_contract_ok(name, f)
}

gba_contract_ok(name, f) if {
	mechanism_of(f) == "gba_contract"
	gba_eligible(name, f)
}

# §7 p counts the exporter's personal health records abroad, all earlier exports included.
health_exports_of[ex] contains name if {
	cross_border[name]
	ex := flows[name].from
}

# A dataset sent in several flows counts once, as the dataset it declares
# `same_persons_as` (the persons_of of the cumulative volumes).
cumulative_health_records[name] := sum([object.get(datasets[p], "records", 0) | some p in {persons_of(d) |
	some g in health_exports_of[f.from]
	flows[g].start <= f.start
	some d in flows[g].data
	health[d]
}]) if {
	cross_border[name]
	f := flows[name]
}

findings contains ["GBT39725-7.p", name] if {
	cross_border[name]
	health_data[name]
	f := flows[name]
	f.start >= "2021-07-01"
	cumulative_health_records[name] > 250
	not f.department_approval == true
}

# Datasets have no subject date: judged under the rules without `until`.
findings contains ["GBT39725-6.2", d] if {
	some d, ds in datasets
	ds.grade < min_grade(d)
}
