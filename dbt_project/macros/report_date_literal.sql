{#-
    The report date as a SQL date literal. Models pass `var('report_date')` in themselves, so that a
    unit test's `overrides: vars:` reaches it. The var is required: dbt stops with "Required var
    'report_date' not found" when it is missing, and this macro stops on a value that is not YYYY-MM-DD.
-#}
{% macro report_date_literal(report_date) -%}
    {%- if execute and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', report_date | string) -%}
        {{ exceptions.raise_compiler_error(
            "var report_date must be a date written YYYY-MM-DD, got '" ~ report_date ~ "'"
        ) }}
    {%- endif -%}
    cast('{{ report_date }}' as date)
{%- endmacro %}
