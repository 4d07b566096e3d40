with

source as (

    select * from {{ source('rules', 'scheme') }}

),

renamed as (

    select
        -- ids
        scheme_code,

        -- names
        name_hi,
        name_en,

        -- dates
        start_date,
        end_date,
        target_deadline,
        notice_deadline,

        -- limits
        revision_limit_days,
        revision_delivery_limit_days,
        laggard_threshold_pct,

        -- waiver terms
        waiver_phase_basis,
        dues_band_basis,
        deposit_kind,
        deposit_value

    from source

)

select * from renamed
