" hegui: policy-as-code for Chinese health-data compliance.
autocmd BufRead,BufNewFile *.hegui setfiletype hegui
