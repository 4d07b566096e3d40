{{ config(materialized='view', schema='stg') }}

{#-
    samadhan.notices creates notices.register on its first run, after the first day's build. Until
    then this view is an empty table of the same columns, so the daily build never depends on it.
-#}
{%- set register_source = source('notices', 'register') -%}
{%- if execute -%}
    {%- set register_table = adapter.get_relation(
        database=register_source.database,
        schema=register_source.schema,
        identifier=register_source.identifier,
    ) -%}
{%- else -%}
    {%- set register_table = none -%}
{%- endif %}

with

{% if register_table is not none %}
source as (

    select * from {{ register_source }}

),
{% else %}
source as (

    select
        cast(null as text) as notice_no,
        cast(null as text) as account_no,
        cast(null as text) as scheme_code,
        cast(null as text) as beat_code,
        cast(null as date) as generated_on,
        cast(null as date) as first_dump_date,
        cast(null as text) as tariff_category,
        cast(null as numeric(14, 2)) as settlement

    where false

),
{% endif %}

renamed as (

    select
        -- ids
        notice_no,
        account_no,
        scheme_code,
        beat_code,

        -- dates
        generated_on,
        first_dump_date,

        -- printed terms
        tariff_category,
        settlement

    from source

)

select * from renamed
