with

source as (

    select * from {{ source('rules', 'waiver_rules') }}

),

renamed as (

    select
        -- ids
        rule_order,
        tariff_category,
        phase_code,
        payment_option,

        -- load band in kW: (load_min_kw, load_max_kw], null for no bound
        load_min_kw,
        load_max_kw,

        -- dues band in rupees: (dues_min, dues_max], null for no bound
        dues_min,
        dues_max,

        -- waiver
        waiver_percent

    from source

)

select * from renamed
