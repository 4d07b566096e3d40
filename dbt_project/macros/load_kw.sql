{#- Sanctioned load in kW, unrounded: 1 BHP = 0.746 kW, 1 kVA = 0.9 kW, kW as it is. -#}
{% macro load_kw(load_column, unit_column) -%}
    {{ load_column }} * case {{ unit_column }}
        when 'BHP' then 0.746
        when 'KVA' then 0.9
        when 'KW' then 1
    end
{%- endmacro %}
