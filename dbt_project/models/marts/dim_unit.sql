{{
    config(
        indexes=[{'columns': ['unit_level', 'unit_code'], 'unique': true}],
    )
}}

{#- Levels from the top down: (unit_level, column prefix in dim_hierarchy). -#}
{%- set levels = [
    ('DISCOM', 'discom'),
    ('ZONE', 'zone'),
    ('CIRCLE', 'circle'),
    ('DIVISION', 'division'),
    ('SUBDIVISION', 'subdivision'),
    ('SUBSTATION', 'substation'),
    ('FEEDER', 'feeder'),
    ('BEAT', 'beat'),
] -%}
{#- The ancestors dim_unit carries as columns. -#}
{%- set ancestor_prefixes = ['discom', 'zone', 'circle', 'division', 'subdivision'] -%}

with

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

{% for level, prefix in levels %}
{%- set path_prefixes = levels[:loop.index] | map(attribute=1) | list %}
{{ prefix }}_units as (

    -- A code under two parents is a data error that a data test reports; the first path by code
    -- is kept so that each unit has one row.
    select distinct on ({{ prefix }}_code)
        '{{ level }}' as unit_level,
        {{ prefix }}_code as unit_code,
        {{ prefix }}_name as unit_name,
        {% if loop.first -%}
        'TOTAL' as parent_level,
        'ALL' as parent_code,
        {%- else -%}
        '{{ levels[loop.index0 - 1][0] }}' as parent_level,
        {{ levels[loop.index0 - 1][1] }}_code as parent_code,
        {%- endif %}
        {% for ancestor in ancestor_prefixes -%}
        {% if ancestor in path_prefixes -%}
        {{ ancestor }}_code,
        {%- else -%}
        cast(null as text) as {{ ancestor }}_code,
        {%- endif %}
        {% endfor -%}
        concat_ws(' / ', {{ path_prefixes | join('_code, ') }}_code) collate "C" as sort_path

    from hierarchy
    order by {{ path_prefixes | reverse | join('_code, ') }}_code, {{ prefix }}_name

),

{% endfor %}
total_unit as (

    select
        'TOTAL' as unit_level,
        'ALL' as unit_code,
        'कुल योग' as unit_name,
        cast(null as text) as parent_level,
        cast(null as text) as parent_code,
        cast(null as text) as discom_code,
        cast(null as text) as zone_code,
        cast(null as text) as circle_code,
        cast(null as text) as division_code,
        cast(null as text) as subdivision_code,
        '' collate "C" as sort_path

),

units as (

    select * from total_unit
    {% for level, prefix in levels %}
    union all
    select * from {{ prefix }}_units
    {% endfor %}

)

select * from units
