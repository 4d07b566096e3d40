with

source as (

    select * from {{ source('rules', 'eligibility') }}

),

renamed as (

    select
        -- ids
        tariff_category,

        -- load band in kW: (load_min_kw, load_max_kw], null for no bound
        load_min_kw,
        load_max_kw,

        -- admitted
        connection_statuses,
        court_case_allowed,

        -- dates
        dues_cutoff_date

    from source

)

select * from renamed
