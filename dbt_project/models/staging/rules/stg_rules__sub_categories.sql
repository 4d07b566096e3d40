with

source as (

    select * from {{ source('rules', 'sub_categories') }}

),

renamed as (

    select
        -- ids
        sub_category,
        tariff_category,

        -- labels
        label_hi,
        label_en,
        sort_order,

        -- load band in kW: (load_min_kw, load_max_kw], null for no bound
        load_min_kw,
        load_max_kw

    from source

)

select * from renamed
