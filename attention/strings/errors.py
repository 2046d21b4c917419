"""Messages for input a person typed on the toy page; each names the problem and the way out."""

STRINGS: dict[str, dict[str, str]] = {
    "toy.error.empty": {
        "en": "Matrix {matrix} is empty. Type at least one row of numbers, for example 1, 2, 3.",
        "vi": "Ma trận {matrix} đang trống. Hãy nhập ít nhất một hàng số, ví dụ 1, 2, 3.",
    },
    "toy.error.not_a_number": {
        "en": "Matrix {matrix}, row {row}, column {col}: “{cell}” is not a number. "
        "Use digits with a dot for decimals (2.5), separated by commas or spaces.",
        "vi": "Ma trận {matrix}, hàng {row}, cột {col}: “{cell}” không phải là số. "
        "Hãy dùng chữ số, dấu chấm cho phần thập phân (2.5), cách nhau bằng dấu phẩy hoặc khoảng trắng.",
    },
    "toy.error.not_finite": {
        "en": "Matrix {matrix}, row {row}, column {col}: “{cell}” is not a finite number. "
        "NaN and infinity cannot be multiplied meaningfully; type an ordinary number.",
        "vi": "Ma trận {matrix}, hàng {row}, cột {col}: “{cell}” không phải là số hữu hạn. "
        "NaN và vô cực không thể nhân một cách có nghĩa; hãy nhập một số bình thường.",
    },
    "toy.error.too_large": {
        "en": "Matrix {matrix}, row {row}, column {col}: “{cell}” is too large. "
        "Keep every value between −{limit} and {limit} so the products stay exact.",
        "vi": "Ma trận {matrix}, hàng {row}, cột {col}: “{cell}” quá lớn. "
        "Hãy giữ mọi giá trị trong khoảng −{limit} đến {limit} để các tích vẫn chính xác.",
    },
    "toy.error.ragged": {
        "en": "Matrix {matrix}, row {row} has {got} numbers but the rows above have {expected}. "
        "Every row of a matrix needs the same length.",
        "vi": "Ma trận {matrix}, hàng {row} có {got} số nhưng các hàng phía trên có {expected}. "
        "Mọi hàng của một ma trận phải có cùng độ dài.",
    },
    "toy.error.too_many_rows": {
        "en": "Matrix {matrix} has {rows} rows; this page shows at most {limit} tokens.",
        "vi": "Ma trận {matrix} có {rows} hàng; trang này hiển thị tối đa {limit} token.",
    },
    "toy.error.too_many_cols": {
        "en": "Matrix {matrix}, row {row} has {cols} numbers; this page allows at most {limit} dimensions.",
        "vi": "Ma trận {matrix}, hàng {row} có {cols} số; trang này cho phép tối đa {limit} chiều.",
    },
    "toy.error.dk_mismatch": {
        "en": "Q has {q_cols} columns but K has {k_cols}. A query and a key must have the same "
        "dimension d_k to be multiplied (Q·Kᵀ).",
        "vi": "Q có {q_cols} cột nhưng K có {k_cols}. Truy vấn và khóa phải có cùng số chiều d_k "
        "thì mới nhân được (Q·Kᵀ).",
    },
    "toy.error.kv_rows": {
        "en": "K has {k_rows} rows but V has {v_rows}. Each token needs one key and one value, "
        "so K and V need the same number of rows.",
        "vi": "K có {k_rows} hàng nhưng V có {v_rows}. Mỗi token cần một khóa và một giá trị, "
        "nên K và V phải có cùng số hàng.",
    },
    "toy.error.temperature": {
        "en": "The softmax temperature must be greater than 0 (got {value}). "
        "1 is plain softmax; above 1 spreads attention out, below 1 sharpens it.",
        "vi": "Nhiệt độ softmax phải lớn hơn 0 (đang là {value}). "
        "1 là softmax thông thường; lớn hơn 1 làm attention dàn trải, nhỏ hơn 1 làm nó sắc nét hơn.",
    },
    "toy.error.handover": {
        "en": "Token {query} cannot be sent to the toy page with those keys: a query can only look at itself and earlier tokens.",
        "vi": "Không thể gửi token {query} sang trang ví dụ với các khóa đó: một truy vấn chỉ được nhìn chính nó và các token phía trước.",
    },
}
