" Vim syntax file
" Language:   hegui (policy-as-code for Chinese health-data compliance)
" Filenames:  *.hegui

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Items (top-level declarations).
syn keyword heguiItem package use enum extend tree schema derive const calendar rule test waive view

" Clauses of rules and tests.
syn keyword heguiClause cite effective until severity for let when require message obligation fix penalty unconfirmed due at as_of today expect on version
" Clauses of waivers.
syn keyword heguiClause reason approved
" Entries of views.
syn keyword heguiClause route summary show checklist hint

" Expressions.
syn keyword heguiOperator    and or not in under
syn keyword heguiConditional if then else where
syn keyword heguiBoolean     true false
syn keyword heguiNone        none
syn match   heguiAggregate   "\<\(sum\|count\|any\|all\|min\|max\|filter\|map\|union\)\ze\s*("
syn match   heguiSymbolOp    "==\|!=\|<=\|>=\|<\|>\|\.\.\|[-+*/]"

" The plural of a schema: `schema party "…" as parties {`.
syn match heguiClause "\<as\ze\s\+\h\w*\s*{"

" Schema field flags.
syn keyword heguiFlag required subject_date deciding

" Entity declarations: `party ruijin "label" {`.
syn match heguiEntityKind "^\s*\zs\h\w*\ze\s\+\h\w*\s*[\"{]" nextgroup=heguiEntityName skipwhite
syn match heguiEntityName "\h\w*" contained

" Rule ids after `rule` and `expect [no]`.
syn match heguiRuleId "\(\<rule\s\+\)\@<=\a\([A-Za-z0-9_-]\|\.\ze\w\)*"
syn match heguiRuleId "\(\<expect\s\+\(\(no\|undetermined\)\s\+\)\?\)\@<=\a\([A-Za-z0-9_-]\|\.\ze\w\)*"
syn match heguiRuleId "\(\<waive\s\+\([A-Za-z0-9_.-]\+\s*,\s*\)*\)\@<=\a\([A-Za-z0-9_-]\|\.\ze\w\)*"
" `no` and `undetermined` in `expect no RULE`; defined after heguiRuleId so
" that they win there.
syn match heguiClause "\(\<expect\s\+\)\@<=\(no\|undetermined\)\>"

" Literals. Later definitions win, so dates and durations beat plain numbers.
syn match heguiNumber   "\<\d[0-9_]*\>"
syn match heguiDate     "\<\d\{4}-\d\{2}-\d\{2}\>"
" A date-time in Beijing time (2025-03-01T09:30, seconds and zone optional).
syn match heguiDateTime "\<\d\{4}-\d\{2}-\d\{2}T\d\+\(:\d\+\)*\(Z\|[+-]\d\{2}:\d\{2}\)\?\>"
syn match heguiUnit     "\(\<\d[0-9_]*\s\+\)\@<=\(working_days\|working_day\|days\|day\|months\|month\|years\|year\|hours\|hour\)\>"

" Strings with {expr} interpolation.
syn cluster heguiExpr contains=heguiOperator,heguiConditional,heguiBoolean,heguiNone,heguiAggregate,heguiSymbolOp,heguiNumber,heguiDate,heguiDateTime,heguiUnit
syn region heguiString start=+"+ skip=+\\.+ end=+"+ end=+$+ contains=heguiEscape,heguiInterp
syn match  heguiEscape "\\." contained
syn region heguiInterp matchgroup=heguiInterpDelim start="{" end="}" contained oneline contains=@heguiExpr

" Comments.
syn keyword heguiTodo contained TODO FIXME XXX NOTE
syn match heguiComment    "//.*$" contains=heguiTodo,@Spell
syn match heguiDocComment "///.*$" contains=heguiTodo,@Spell

hi def link heguiItem        Keyword
hi def link heguiClause      Statement
hi def link heguiOperator    Operator
hi def link heguiSymbolOp    Operator
hi def link heguiConditional Conditional
hi def link heguiBoolean     Boolean
hi def link heguiNone        Constant
hi def link heguiAggregate   Function
hi def link heguiFlag        StorageClass
hi def link heguiEntityKind  Type
hi def link heguiEntityName  Identifier
hi def link heguiRuleId      Label
hi def link heguiNumber      Number
hi def link heguiDate        Constant
hi def link heguiDateTime    Constant
hi def link heguiUnit        Type
hi def link heguiString      String
hi def link heguiEscape      SpecialChar
hi def link heguiInterpDelim Delimiter
hi def link heguiComment     Comment
hi def link heguiDocComment  SpecialComment
hi def link heguiTodo        Todo

let b:current_syntax = "hegui"

let &cpo = s:cpo_save
unlet s:cpo_save
